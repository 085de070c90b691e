using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Hearth.TestSupport;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary>With API keys, the ledger API shows each key only its own tenant's entries.</summary>
public sealed class LedgerTenantScopeTests
{
    [Fact]
    public async Task LedgerApi_TwoTenantKeys_EachSeesOnlyItsOwnEntries()
    {
        using var home = new TempDir("hearth-scope-");
        InstallStories(home);
        await using var node = await StartAsync(LocalOptions(home));
        var (_, acmeKey) = node.Keys.Create("acme", "a");
        var (_, globexKey) = node.Keys.Create("globex", "g");
        using var http = Client(node);

        string? globexEntry = null;
        foreach (var key in new[] { acmeKey, acmeKey, globexKey })
        {
            using var chat = await SendAsync(http, HttpMethod.Post, "/v1/chat/completions", key, ChatBody(LocalModel));
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
            globexEntry = Header(chat, "x-hearth-entry-id");
        }
        using (var flush = await SendAsync(http, HttpMethod.Get, "/v1/ledger/entries/" + globexEntry, globexKey))
        {
            Assert.Equal(HttpStatusCode.OK, flush.StatusCode); // also waits for the commit of everything queued before
        }

        var acme = await JsonAsync(http, "/v1/ledger/entries", acmeKey);
        var globex = await JsonAsync(http, "/v1/ledger/entries", globexKey);
        var acmeSummary = await JsonAsync(http, "/v1/ledger/summary?by=tenant", acmeKey);
        using var foreignFilter = await SendAsync(http, HttpMethod.Get, "/v1/ledger/entries?tenant=globex", acmeKey);
        using var foreignEntry = await SendAsync(http, HttpMethod.Get, "/v1/ledger/entries/" + globexEntry, acmeKey);
        using var anonymous = await http.GetAsync("/v1/ledger/entries");

        Assert.Equal(["acme", "acme"], acme.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("tenant").GetString()));
        Assert.Equal(["globex"], globex.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("tenant").GetString()));
        Assert.Equal(2, acmeSummary.GetProperty("total").GetProperty("requests").GetInt64());
        Assert.Equal(["acme"], acmeSummary.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("group").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, foreignFilter.StatusCode);
        Assert.Equal("tenant_forbidden", JsonDocument.Parse(await foreignFilter.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, foreignEntry.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task LedgerApi_AdminKey_SeesEveryTenantAndTenantKeyCannotVerify()
    {
        using var home = new TempDir("hearth-scope-");
        InstallStories(home);
        await using var node = await StartAsync(LocalOptions(home));
        var (_, acmeKey) = node.Keys.Create("acme", "a");
        var (_, globexKey) = node.Keys.Create("globex", "g");
        var (_, adminKey) = node.Keys.Create("ops", "operator", Hearth.Server.Auth.ApiKeyRoles.Admin);
        using var http = Client(node);

        string? last = null;
        foreach (var key in new[] { acmeKey, globexKey })
        {
            using var chat = await SendAsync(http, HttpMethod.Post, "/v1/chat/completions", key, ChatBody(LocalModel));
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
            last = Header(chat, "x-hearth-entry-id");
        }
        using (var flush = await SendAsync(http, HttpMethod.Get, "/v1/ledger/entries/" + last, adminKey))
        {
            Assert.Equal(HttpStatusCode.OK, flush.StatusCode); // an admin reads another tenant's entry; also waits for the commit
        }

        var all = await JsonAsync(http, "/v1/ledger/entries", adminKey);
        var globexOnly = await JsonAsync(http, "/v1/ledger/entries?tenant=globex", adminKey);
        var summary = await JsonAsync(http, "/v1/ledger/summary?by=tenant", adminKey);
        var verify = await JsonAsync(http, "/v1/ledger/verify", adminKey);
        using var tenantVerify = await SendAsync(http, HttpMethod.Get, "/v1/ledger/verify", acmeKey);

        Assert.Equal(["acme", "globex"], all.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("tenant").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(["globex"], globexOnly.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("tenant").GetString()));
        Assert.Equal(2, summary.GetProperty("total").GetProperty("requests").GetInt64());
        Assert.Equal(JsonValueKind.Object, verify.ValueKind);
        Assert.Equal(HttpStatusCode.Forbidden, tenantVerify.StatusCode);
        Assert.Equal("admin_required", JsonDocument.Parse(await tenantVerify.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string key, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Json(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await http.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpClient http, string path, string key)
    {
        using var response = await SendAsync(http, HttpMethod.Get, path, key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }
}

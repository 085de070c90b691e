using System.Net;
using System.Text.Json;
using Hearth.TestSupport;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary>The router's explanation reaches the ledger entry (reason and policy), while the entry's route stays the model that served.</summary>
public sealed class RoutingReasonLedgerTests
{
    [Fact]
    public async Task StreamedAutoModel_LocalOnlyPolicyHeader_EntryCarriesRouterReasonAndPolicy()
    {
        using var home = new TempDir("hearth-reason-");
        InstallStories(home);
        await using var node = await StartAsync(LocalOptions(home));
        using var http = Client(node);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(ChatBody("hearth/auto", stream: true)) };
        request.Headers.Add("x-hearth-policy", "local-only");
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = Header(response, "x-hearth-entry-id");
        var entry = JsonDocument.Parse(await http.GetStringAsync("/v1/ledger/entries/" + id)).RootElement;
        Assert.Equal(Header(response, "x-hearth-reason"), entry.GetProperty("reason").GetString());
        Assert.StartsWith("local-only", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("local-only", entry.GetProperty("policy").GetString());
        Assert.Equal(LocalModel, entry.GetProperty("route").GetString());
        var byPolicy = JsonDocument.Parse(await http.GetStringAsync("/v1/ledger/summary?by=policy")).RootElement;
        Assert.Equal("local-only", Assert.Single(byPolicy.GetProperty("groups").EnumerateArray()).GetProperty("group").GetString());
    }

    [Fact]
    public async Task NamedModel_PolicyHeader_IsRoutedAndEntryRecordsPolicyAndReason_WithoutHeaderNeither()
    {
        using var home = new TempDir("hearth-noreason-");
        InstallStories(home);
        await using var node = await StartAsync(LocalOptions(home));
        using var http = Client(node);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(ChatBody(LocalModel)) };
        request.Headers.Add("x-hearth-policy", "cascade");
        using var response = await http.SendAsync(request);

        using var plain = await http.PostAsync("/v1/chat/completions", Json(ChatBody(LocalModel)));

        // A policy header routes even a named model (docs/server.md, "Ledger and routing"); without one nothing is routed.
        var routed = JsonDocument.Parse(await http.GetStringAsync("/v1/ledger/entries/" + Header(response, "x-hearth-entry-id"))).RootElement;
        var direct = JsonDocument.Parse(await http.GetStringAsync("/v1/ledger/entries/" + Header(plain, "x-hearth-entry-id"))).RootElement;
        Assert.Equal("cascade", routed.GetProperty("policy").GetString());
        Assert.StartsWith("cascade", routed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(("", ""), (direct.GetProperty("reason").GetString(), direct.GetProperty("policy").GetString()));
    }

    [Fact]
    public async Task LedgerVerify_AfterRequests_ChainIntact()
    {
        using var home = new TempDir("hearth-verify-api-");
        InstallStories(home);
        await using var node = await StartAsync(LocalOptions(home));
        using var http = Client(node);
        using (var chat = await http.PostAsync("/v1/chat/completions", Json(ChatBody(LocalModel))))
        {
            await http.GetStringAsync("/v1/ledger/entries/" + Header(chat, "x-hearth-entry-id"));
        }

        var v = JsonDocument.Parse(await http.GetStringAsync("/v1/ledger/verify")).RootElement;

        Assert.True(v.GetProperty("valid").GetBoolean(), v.GetProperty("message").GetString());
        Assert.Equal(1, v.GetProperty("entries_checked").GetInt64());
    }
}

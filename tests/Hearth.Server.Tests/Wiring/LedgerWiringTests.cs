using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Hearth.Ledger;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;
using Hearth.Benchmarks.Gateway;
using Hearth.Server.Configuration;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary>A real node on loopback with its default ledger: headers, entries, the chain, budgets, the streaming extension.</summary>
public sealed class LedgerWiringTests
{
    [Fact]
    public async Task ChatCompletion_LocalModel_HeadersEntryWithGgufShaAndChainVerifies()
    {
        using var home = new TempDir("hearth-ledger-");
        var gguf = InstallStories(home);
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(gguf)));
        await using (var node = await StartAsync(LocalOptions(home)))
        {
            using var http = Client(node);
            using var response = await http.PostAsync("/v1/chat/completions", Json(ChatBody(LocalModel)));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("modelled", Header(response, "x-hearth-method"));
            Assert.True(double.Parse(Header(response, "x-hearth-energy-wh"), CultureInfo.InvariantCulture) > 0);
            Assert.True(double.Parse(Header(response, "x-hearth-carbon-g"), CultureInfo.InvariantCulture) > 0);
            Assert.True(double.Parse(Header(response, "x-hearth-water-l"), CultureInfo.InvariantCulture) > 0);

            var page = await WaitForEntriesAsync(http, 1);
            var entry = Assert.Single(page.GetProperty("data").EnumerateArray());
            Assert.Equal(sha, entry.GetProperty("model_version").GetString());
            Assert.Equal(LocalModel, entry.GetProperty("route").GetString());
            Assert.Equal("local", entry.GetProperty("backend").GetString());
            Assert.Equal(LocalModel, entry.GetProperty("model_id").GetString());
            Assert.Equal(6, entry.GetProperty("tokens_out").GetInt64());
            Assert.Equal("modelled", entry.GetProperty("energy_method").GetString());

            var summary = JsonDocument.Parse(await http.GetStringAsync("/v1/ledger/summary?by=route")).RootElement;
            Assert.Equal(1, summary.GetProperty("total").GetProperty("requests").GetInt64());
        }

        var db = Path.Combine(home.Path, "ledger", "ledger.db");
        Assert.True(File.Exists(db));
        await using var store = LedgerStores.Create(new LedgerStoreOptions { Connection = db });
        await store.MigrateAsync(CancellationToken.None);
        var verification = await LedgerVerifier.VerifyAsync(store, null, CancellationToken.None);
        Assert.True(verification.IsValid, verification.Message);
        Assert.Equal(1, verification.EntriesChecked);
        Assert.True(verification.CheckpointsChecked >= 1);
    }

    [Fact]
    public async Task ChatCompletion_ZeroWattHourRefusingBudget_Returns429NamingTheBudget()
    {
        using var home = new TempDir("hearth-budget-");
        InstallStories(home);
        var options = LocalOptions(home);
        options = options with
        {
            Ledger = options.Ledger with { Budgets = [new BudgetRule { Subject = "*", MaxWattHours = 0, Policy = BudgetPolicy.Refuse }] },
        };
        await using var node = await StartAsync(options);
        using var http = Client(node);

        using var openAi = await http.PostAsync("/v1/chat/completions", Json(ChatBody(LocalModel)));
        using var ollama = await http.PostAsync("/api/chat",
            Json($$"""{"model":"{{LocalModel}}","messages":[{"role":"user","content":"Hi"}],"stream":false}"""));

        Assert.Equal((HttpStatusCode)429, openAi.StatusCode);
        var error = JsonDocument.Parse(await openAi.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("budget_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("*: 0 Wh per day", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode)429, ollama.StatusCode);
        Assert.Contains("0 Wh per day", JsonDocument.Parse(await ollama.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        var page = JsonDocument.Parse(await http.GetStringAsync("/v1/ledger/entries")).RootElement;
        Assert.Equal(0, page.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task ChatCompletion_DowngradeBudgetOnUpstreamModel_AnsweredByLocalModelUpstreamNotCalled()
    {
        using var home = new TempDir("hearth-downgrade-");
        InstallStories(home);
        await using var upstream = await FixedResponseUpstream.StartAsync();
        var options = TestNodes.Options(home, TestNodes.Upstream("fixed", upstream.BaseAddress, FixedResponseUpstream.ModelId));
        options = options with
        {
            Local = new LocalModelOptions { Threads = 1 },
            Ledger = options.Ledger with { Budgets = [new BudgetRule { Subject = "*", MaxWattHours = 0, Policy = BudgetPolicy.Downgrade }] },
        };
        await using var node = await StartAsync(options);
        using var http = Client(node);

        using var response = await http.PostAsync("/v1/chat/completions", Json(ChatBody(FixedResponseUpstream.ModelId)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("downgraded", Header(response, "x-hearth-budget"));
        Assert.Equal(0, upstream.Requests);
        var entry = Assert.Single((await WaitForEntriesAsync(http, 1)).GetProperty("data").EnumerateArray());
        Assert.Equal(LocalModel, entry.GetProperty("route").GetString());
        Assert.Equal("local", entry.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task StreamingChat_LocalModel_FinalChunkAndOllamaDoneLineCarryHearthFigures()
    {
        using var home = new TempDir("hearth-stream-");
        InstallStories(home);
        await using var node = await StartAsync(LocalOptions(home));
        using var http = Client(node);

        using var response = await http.PostAsync("/v1/chat/completions", Json(ChatBody(LocalModel, stream: true)));
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Trim()["data: ".Length..]).ToList();
        Assert.Equal("[DONE]", events[^1]);
        var last = JsonDocument.Parse(events[^2]).RootElement;
        var hearth = last.GetProperty("hearth");
        Assert.Equal("modelled", hearth.GetProperty("method").GetString());
        Assert.True(double.Parse(hearth.GetProperty("energy_wh").GetString()!, CultureInfo.InvariantCulture) > 0);
        Assert.True(hearth.TryGetProperty("carbon_g", out _));
        Assert.True(hearth.TryGetProperty("water_l", out _));
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());

        using var ollama = await http.PostAsync("/api/chat",
            Json("{\"model\":\"" + LocalModel + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"options\":{\"num_predict\":4,\"temperature\":0}}"));
        var lines = (await ollama.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var done = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.True(done.GetProperty("done").GetBoolean());
        Assert.Equal("modelled", done.GetProperty("hearth").GetProperty("method").GetString());
        Assert.True(double.Parse(done.GetProperty("hearth").GetProperty("energy_wh").GetString()!, CultureInfo.InvariantCulture) > 0);

        var page = await WaitForEntriesAsync(http, 2);
        Assert.Equal(2, page.GetProperty("data").GetArrayLength());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("from=yesterday", "from")]
    [InlineData("after=-1", "after")]
    public async Task LedgerEntries_BadQuery_Returns400NamingTheParameter(string query, string parameter)
    {
        using var home = new TempDir("hearth-ledger-api-");
        await using var node = await StartAsync(LocalOptions(home));
        using var http = Client(node);

        using var response = await http.GetAsync("/v1/ledger/entries?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal(parameter, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task LedgerEntry_NotAnEntryId_Returns400NamingId()
    {
        using var home = new TempDir("hearth-ledger-api-");
        await using var node = await StartAsync(LocalOptions(home));
        using var http = Client(node);

        using var response = await http.GetAsync("/v1/ledger/entries/not-an-id");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal(("id", "invalid_parameter"), (error.GetProperty("param").GetString(), error.GetProperty("code").GetString()));
        Assert.Contains("32 hex digits, as in x-hearth-entry-id", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LedgerSummary_UnknownGrouping_Returns400NamingBy()
    {
        using var home = new TempDir("hearth-ledger-api-");
        await using var node = await StartAsync(LocalOptions(home));
        using var http = Client(node);

        using var response = await http.GetAsync("/v1/ledger/summary?by=planet");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("by", error.GetProperty("param").GetString());
        Assert.Equal(("invalid_request_error", "invalid_parameter"), (error.GetProperty("type").GetString(), error.GetProperty("code").GetString()));
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using Hearth.Ledger.Options;
using Hearth.Benchmarks.Gateway;
using Hearth.Server.Configuration;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary>Embeddings over HTTP are budget-checked, metered and written to the ledger like chat (OpenAI and Ollama APIs).</summary>
public sealed class EmbeddingLedgerTests
{
    [Fact]
    public async Task Embeddings_OpenAiAndOllamaLocalModel_HeadersAndOneEntryEach()
    {
        using var home = new TempDir("hearth-embed-");
        InstallStories(home);
        await using var node = await StartAsync(LocalOptions(home));
        using var http = Client(node);

        using var openAi = await http.PostAsync("/v1/embeddings", Json($$"""{"model":"{{LocalModel}}","input":["a cat","a dog"]}"""));
        using var ollama = await http.PostAsync("/api/embed", Json($$"""{"model":"{{LocalModel}}","input":"a bird"}"""));

        Assert.Equal(HttpStatusCode.OK, openAi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ollama.StatusCode);
        foreach (var response in new[] { openAi, ollama })
        {
            Assert.Equal("modelled", Header(response, "x-hearth-method"));
            Assert.True(double.Parse(Header(response, "x-hearth-energy-wh"), CultureInfo.InvariantCulture) > 0);
            Assert.True(double.Parse(Header(response, "x-hearth-carbon-g"), CultureInfo.InvariantCulture) > 0);
            Assert.True(double.Parse(Header(response, "x-hearth-water-l"), CultureInfo.InvariantCulture) > 0);
            Assert.Matches("^[0-9a-f]{32}$", Header(response, "x-hearth-entry-id"));
        }
        Assert.Equal(2, JsonDocument.Parse(await openAi.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetArrayLength());
        var entries = (await WaitForEntriesAsync(http, 2)).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal([Header(openAi, "x-hearth-entry-id"), Header(ollama, "x-hearth-entry-id")], entries.Select(e => e.GetProperty("id").GetString()));
        foreach (var e in entries)
        {
            Assert.Equal((LocalModel, "local", LocalModel, 0L, "ok"),
                (e.GetProperty("route").GetString(), e.GetProperty("backend").GetString(), e.GetProperty("model_id").GetString(),
                 e.GetProperty("tokens_out").GetInt64(), e.GetProperty("outcome").GetString()));
            Assert.True(e.GetProperty("tokens_in").GetInt64() > 0);
        }
        var byId = JsonDocument.Parse(await http.GetStringAsync("/v1/ledger/entries/" + Header(ollama, "x-hearth-entry-id"))).RootElement;
        Assert.Equal(entries[1].GetProperty("hash").GetString(), byId.GetProperty("hash").GetString());
    }

    [Fact]
    public async Task Embeddings_RefusingBudget_429BudgetExceededOnBothApisAndNoEntry()
    {
        using var home = new TempDir("hearth-embed-budget-");
        InstallStories(home);
        var options = LocalOptions(home);
        options = options with { Ledger = options.Ledger with { Budgets = [new BudgetRule { Subject = "*", MaxWattHours = 0, Policy = BudgetPolicy.Refuse }] } };
        await using var node = await StartAsync(options);
        using var http = Client(node);

        using var openAi = await http.PostAsync("/v1/embeddings", Json($$"""{"model":"{{LocalModel}}","input":"a cat"}"""));
        using var ollama = await http.PostAsync("/api/embed", Json($$"""{"model":"{{LocalModel}}","input":"a cat"}"""));

        Assert.Equal((HttpStatusCode)429, openAi.StatusCode);
        Assert.Equal("budget_exceeded", JsonDocument.Parse(await openAi.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal((HttpStatusCode)429, ollama.StatusCode);
        Assert.Contains("0 Wh per day", await ollama.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, JsonDocument.Parse(await http.GetStringAsync("/v1/ledger/entries")).RootElement.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Embeddings_UpstreamModel_RemoteEntryAndDowngradeBudgetRefusesInsteadOfSwappingModels()
    {
        using var home = new TempDir("hearth-embed-up-");
        InstallStories(home);
        await using var upstream = await FixedResponseUpstream.StartAsync();
        var options = TestNodes.Options(home, TestNodes.Upstream("fixed", upstream.BaseAddress, FixedResponseUpstream.ModelId)) with
        {
            Local = new LocalModelOptions { Threads = 1 },
        };
        await using (var node = await StartAsync(options))
        {
            using var http = Client(node);
            using var response = await http.PostAsync("/v1/embeddings", Json($$"""{"model":"{{FixedResponseUpstream.ModelId}}","input":"abc"}"""));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("remote", Header(response, "x-hearth-method"));
            var entry = Assert.Single((await WaitForEntriesAsync(http, 1)).GetProperty("data").EnumerateArray());
            Assert.Equal(("upstream:fixed", "remote", 3L), (entry.GetProperty("backend").GetString(), entry.GetProperty("energy_method").GetString(), entry.GetProperty("tokens_in").GetInt64()));
        }

        using var home2 = new TempDir("hearth-embed-down-");
        InstallStories(home2);
        var downgrade = TestNodes.Options(home2, TestNodes.Upstream("fixed", upstream.BaseAddress, FixedResponseUpstream.ModelId)) with
        {
            Local = new LocalModelOptions { Threads = 1 },
            Ledger = new LedgerOptions { Budgets = [new BudgetRule { Subject = "*", MaxWattHours = 0, Policy = BudgetPolicy.Downgrade }] },
        };
        await using var node2 = await StartAsync(downgrade);
        using var http2 = Client(node2);
        using var refused = await http2.PostAsync("/v1/embeddings", Json($$"""{"model":"{{FixedResponseUpstream.ModelId}}","input":"abc"}"""));

        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Contains("not downgraded", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

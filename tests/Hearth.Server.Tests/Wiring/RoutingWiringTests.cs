using System.Net;
using System.Text.Json;
using Hearth.Routing.Policies;
using Hearth.Benchmarks.Gateway;
using Hearth.Server.Configuration;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary><c>hearth/auto</c> through the HybridRouter on a real node: route headers, ledger route, residency, policy errors.</summary>
public sealed class RoutingWiringTests
{
    [Fact]
    public async Task AutoModel_LocalOnlyPolicyHeader_AnswersLocallyWithRouteHeadersAndEntryRoute()
    {
        using var home = new TempDir("hearth-route-");
        InstallStories(home);
        await using var node = await StartAsync(LocalOptions(home));
        using var http = Client(node);

        var models = JsonDocument.Parse(await http.GetStringAsync("/v1/models")).RootElement.GetProperty("data");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(ChatBody("hearth/auto")) };
        request.Headers.Add("x-hearth-policy", "local-only");
        using var response = await http.SendAsync(request);

        Assert.Contains(models.EnumerateArray(), m => m.GetProperty("id").GetString() == "hearth/auto");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LocalModel, Header(response, "x-hearth-route"));
        Assert.Contains("local-only", Header(response, "x-hearth-reason"), StringComparison.Ordinal);
        Assert.Equal("modelled", Header(response, "x-hearth-method"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(LocalModel, body.GetProperty("model").GetString()); // the model that answered (issue 10, item 16)
        Assert.Equal("hearth/auto", Header(response, "x-hearth-requested-model"));
        var entry = Assert.Single((await WaitForEntriesAsync(http, 1, "?route=" + LocalModel)).GetProperty("data").EnumerateArray());
        Assert.Equal(LocalModel, entry.GetProperty("route").GetString());
        Assert.Equal("local", entry.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task AutoModel_ConfidentialHeaderWithOnlyAnUpstream_Returns403ResidencyRefusedAndUpstreamNeverCalled()
    {
        using var home = new TempDir("hearth-residency-");
        await using var upstream = await FixedResponseUpstream.StartAsync();
        var options = TestNodes.Options(home, TestNodes.Upstream("fixed", upstream.BaseAddress, FixedResponseUpstream.ModelId)) with
        {
            Routing = new RoutingOptions
            {
                Backends = [new BackendOptions(FixedResponseUpstream.ModelId, ModelTier.Small, IsLocal: false, Site: "fixed")],
                Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = FixedResponseUpstream.ModelId },
                DefaultPolicy = "fixed:" + FixedResponseUpstream.ModelId,
            },
        };
        await using var node = await StartAsync(options);
        using var http = Client(node);

        using var clean = await http.PostAsync("/v1/chat/completions", Json(ChatBody("hearth/auto")));
        var before = upstream.Requests;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(ChatBody("hearth/auto")) };
        request.Headers.Add("x-hearth-confidential", "true");
        using var refused = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, clean.StatusCode);
        Assert.Equal(FixedResponseUpstream.ModelId, Header(clean, "x-hearth-route"));
        Assert.Equal(1, before);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("residency_refused", error.GetProperty("code").GetString());
        Assert.Equal(1, upstream.Requests);
    }

    [Fact]
    public async Task AutoModel_UnknownPolicyHeader_Returns400ListingKnownPolicies()
    {
        using var home = new TempDir("hearth-policy-");
        InstallStories(home);
        await using var node = await StartAsync(LocalOptions(home));
        using var http = Client(node);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(ChatBody("hearth/auto")) };
        request.Headers.Add("x-hearth-policy", "cheapest");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("invalid_policy", error.GetProperty("code").GetString());
        Assert.Contains("local-only", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RoutingSectionWithUnknownDefaultPolicy_FailsListingKnownPolicies()
    {
        using var home = new TempDir("hearth-routing-config-");
        var e = Assert.Throws<HearthConfigException>(() => HearthConfiguration.Load(new Dictionary<string, string?>
        {
            ["Home"] = home.Path,
            ["Upstreams:0:Name"] = "gpu",
            ["Upstreams:0:BaseUrl"] = "http://127.0.0.1:9/v1",
            ["Upstreams:0:Models:0"] = "big",
            ["Routing:Backends:0:Name"] = "big",
            ["Routing:Backends:0:Tier"] = "Small",
            ["Routing:Backends:0:IsLocal"] = "false",
            ["Routing:Tiers:Small"] = "big",
            ["Routing:DefaultPolicy"] = "cheapest",
        }));

        Assert.Contains(e.Problems, p => p.StartsWith("Routing:", StringComparison.Ordinal) && p.Contains("cheapest", StringComparison.Ordinal)
            && p.Contains("local-only, predictive, cascade, carbon-aware, fixed:big", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_LedgerSectionWithUnknownZone_FailsNamingLedgerZone()
    {
        using var home = new TempDir("hearth-ledger-config-");
        var e = Assert.Throws<HearthConfigException>(() => HearthConfiguration.Load(new Dictionary<string, string?>
        {
            ["Home"] = home.Path,
            ["Ledger:Zone"] = "ATLANTIS",
            ["Ledger:Store:MaxBatchEntries"] = "0",
        }));

        Assert.Contains(e.Problems, p => p.StartsWith("Ledger:Zone: 'ATLANTIS'", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("Ledger:Store:MaxBatchEntries", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_Defaults_LedgerIsSqliteUnderHomeWithJournalDurability()
    {
        using var home = new TempDir("hearth-ledger-defaults-");
        var options = HearthConfiguration.Load(new Dictionary<string, string?> { ["Home"] = home.Path });

        var ledger = Hearth.Server.Pipeline.NodeLedger.Resolve(options.Ledger, home.Path);

        Assert.Equal(Path.Combine(home.Path, "ledger", "ledger.db"), ledger.Store.Connection);
        Assert.Equal(Hearth.Ledger.Options.LedgerDurability.Journal, ledger.Store.Durability);
        Assert.Null(options.Routing);
    }
}

using System.Net;
using System.Text;
using Hearth.Routing.Policies;
using Hearth.Server.Configuration;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary>The carbon-aware policy on a real node: the node's ICarbonEstimate from the ledger's estimators, and startup validation.</summary>
public sealed class CarbonWiringTests
{
    private static Dictionary<string, string?> Settings(TempDir home, string site = "cloud") => new()
    {
        ["Home"] = home.Path,
        ["Upstreams:0:Name"] = "remote",
        ["Upstreams:0:BaseUrl"] = "http://127.0.0.1:9/v1",
        ["Upstreams:0:Models:0"] = "gpt",
        ["Routing:Backends:0:Name"] = LocalModel,
        ["Routing:Backends:0:Tier"] = "Small",
        ["Routing:Backends:0:IsLocal"] = "true",
        ["Routing:Backends:1:Name"] = "gpt",
        ["Routing:Backends:1:Tier"] = "Large",
        ["Routing:Backends:1:IsLocal"] = "false",
        ["Routing:Backends:1:Site"] = site,
        ["Routing:Tiers:Small"] = LocalModel,
        ["Routing:Tiers:Large"] = "gpt",
        ["Routing:DefaultPolicy"] = "carbon-aware",
    };

    [Fact]
    public void Load_CarbonAwareWithRemoteSiteNotConfigured_FailsNamingTheSiteKey()
    {
        using var home = new TempDir("hearth-carbon-cfg-");
        var e = Assert.Throws<HearthConfigException>(() => HearthConfiguration.Load(Settings(home)));
        Assert.Contains(e.Problems, p => p.Contains("Routing:Backends:1 'gpt'", StringComparison.Ordinal) && p.Contains("Routing:Sites:cloud", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_SiteWithUnknownZoneOrBothFigures_Fails()
    {
        using var home = new TempDir("hearth-carbon-cfg-");
        var zone = Settings(home);
        zone["Routing:Sites:cloud:Zone"] = "ATLANTIS";
        var both = Settings(home);
        both["Routing:Sites:cloud:Zone"] = "USA";
        both["Routing:Sites:cloud:GramsCo2ePerKwh"] = "300";

        var e1 = Assert.Throws<HearthConfigException>(() => HearthConfiguration.Load(zone));
        var e2 = Assert.Throws<HearthConfigException>(() => HearthConfiguration.Load(both));

        Assert.Contains(e1.Problems, p => p.StartsWith("Routing:Sites:cloud:Zone 'ATLANTIS'", StringComparison.Ordinal));
        Assert.Contains(e2.Problems, p => p.Contains("exactly one of Zone", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_UpstreamModelMarkedLocal_Fails()
    {
        using var home = new TempDir("hearth-carbon-cfg-");
        var settings = Settings(home);
        settings["Routing:Backends:1:IsLocal"] = "true";
        settings["Routing:Sites:cloud:Zone"] = "USA";

        var e = Assert.Throws<HearthConfigException>(() => HearthConfiguration.Load(settings));

        Assert.Contains(e.Problems, p => p.Contains("'gpt' is an upstream model", StringComparison.Ordinal) && p.Contains("IsLocal", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_CarbonAwareWithSiteZone_Passes()
    {
        using var home = new TempDir("hearth-carbon-cfg-");
        var settings = Settings(home);
        settings["Routing:Sites:cloud:Zone"] = "USA";

        var options = HearthConfiguration.Load(settings);

        Assert.Equal("USA", options.Routing!.Sites["cloud"].Zone);
    }

    private static HearthOptions NodeOptions(TempDir home, RecordingUpstream upstream, SiteOptions cloud) =>
        TestNodes.Options(home, TestNodes.Upstream("remote", upstream.BaseAddress, RecordingUpstream.ModelId)) with
        {
            Local = new LocalModelOptions { Threads = 1, KeepAliveSeconds = 600 },
            Routing = new RoutingOptions
            {
                Backends = [new BackendOptions(LocalModel, ModelTier.Small, IsLocal: true), new BackendOptions(RecordingUpstream.ModelId, ModelTier.Large, IsLocal: false, Site: "cloud")],
                Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = LocalModel, [ModelTier.Large] = RecordingUpstream.ModelId },
                DefaultPolicy = "carbon-aware",
                // Never escalate for quality, so both backends are candidates and carbon alone decides.
                PredictiveEscalationShare = 0,
                Sites = new Dictionary<string, SiteOptions> { ["cloud"] = cloud },
            },
        };

    [Fact]
    public async Task CarbonAware_BothAllowed_LowerExpectedGramsWinsWithLedgerFiguresInReason()
    {
        using var home = new TempDir("hearth-carbon-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var node = await StartAsync(NodeOptions(home, upstream, new SiteOptions { GramsCo2ePerKwh = 50 }));
        using var http = Client(node);

        using var response = await http.PostAsync("/v1/chat/completions", Json(ChatBody("hearth/auto", maxTokens: 8)));
        var reason = Header(response, "x-hearth-reason");

        // stories260K is a 1 MB file: its CPU-time energy is orders of magnitude below the remote estimate for a 70B model.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LocalModel, Header(response, "x-hearth-route"));
        Assert.Contains($"carbon-aware: {LocalModel} ", reason, StringComparison.Ordinal);
        Assert.Contains("gCO2e expected", reason, StringComparison.Ordinal);
        // gpt: 8 output tokens x (70 x 8.91e-5 + 1.43e-3) Wh x PUE 1.2 = 0.0736 Wh at 50 g/kWh = 0.00368 g.
        Assert.Contains("vs gpt 0.00368 g", reason, StringComparison.Ordinal);
        Assert.Empty(upstream.Bodies);
    }

    [Fact]
    public async Task CarbonAware_RemoteSiteWithRenewableSurplus_IsPreferredOverLowerGrams()
    {
        using var home = new TempDir("hearth-carbon-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var signal = await LoopbackFileServer.StartAsync();
        signal.Add("share.json", Encoding.UTF8.GetBytes("{\"onsiteShare\": 1.0}"));
        var cloud = new SiteOptions { GramsCo2ePerKwh = 300, OnSiteGenerationUrl = new Uri(signal.BaseAddress, "f/share.json") };
        await using var node = await StartAsync(NodeOptions(home, upstream, cloud));
        using var http = Client(node);

        using var response = await http.PostAsync("/v1/chat/completions", Json(ChatBody("hearth/auto", maxTokens: 8)));
        var reason = Header(response, "x-hearth-reason");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(RecordingUpstream.ModelId, Header(response, "x-hearth-route"));
        Assert.Contains("on-site renewable surplus", reason, StringComparison.Ordinal);
        // Fully on-site: the site's intensity is the on-site figure (48 g/kWh), not the grid's 300.
        Assert.Contains("x 48 g/kWh", reason, StringComparison.Ordinal);
        Assert.Single(upstream.Bodies);
    }
}

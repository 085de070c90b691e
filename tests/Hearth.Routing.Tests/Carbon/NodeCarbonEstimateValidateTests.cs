using Hearth.Routing.Carbon;
using Hearth.Routing.Policies;

namespace Hearth.Routing.Tests.Carbon;

public sealed class NodeCarbonEstimateValidateTests
{
    private static readonly HashSet<string> s_upstreamGpt = new(StringComparer.Ordinal) { "gpt" };

    [Fact]
    public void Validate_UnknownZone_NamesTheKey()
    {
        var routing = new RoutingOptions { Sites = new Dictionary<string, SiteOptions>(StringComparer.OrdinalIgnoreCase) { ["eu"] = new() { Zone = "ATLANTIS" } } };

        var problem = Assert.Single(NodeCarbonEstimate.Validate(routing, s_upstreamGpt));

        Assert.StartsWith("Routing:Sites:eu:Zone 'ATLANTIS' is not in the ledger's zone table", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UpstreamModelMarkedLocal_Reported()
    {
        var routing = new RoutingOptions { Backends = [new BackendOptions("gpt", ModelTier.Large, true)] };

        var problem = Assert.Single(NodeCarbonEstimate.Validate(routing, s_upstreamGpt));

        Assert.StartsWith("Routing:Backends:0 'gpt' is an upstream model (Upstreams:*:Models) but IsLocal is true", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CarbonAwareWithUnknownSiteAndRemoteNonUpstream_BothReported()
    {
        var routing = new RoutingOptions
        {
            Backends = [new BackendOptions("phi", ModelTier.Small, true), new BackendOptions("other", ModelTier.Large, false, "far")],
            DefaultPolicy = "carbon-aware",
        };

        var problems = NodeCarbonEstimate.Validate(routing, s_upstreamGpt).ToList();

        Assert.Equal(2, problems.Count);
        Assert.Contains("site 'far' is not in Routing:Sites", problems[0], StringComparison.Ordinal);
        Assert.Contains("'other' is remote but not an upstream model", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LocalOnlyWithUnknownSite_NoProblem()
    {
        var routing = new RoutingOptions { Backends = [new BackendOptions("other", ModelTier.Large, false, "far")], DefaultPolicy = "local-only" };

        Assert.Empty(NodeCarbonEstimate.Validate(routing, s_upstreamGpt));
    }
}

using Hearth.Contracts;
using Hearth.Routing.Cascade;
using Hearth.Routing.Hybrid;
using Hearth.Routing.Policies;
using Hearth.Routing.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Tests.Hybrid;

public sealed class NodeRouterTests
{
    [Fact]
    public void DefaultOptions_ThreeLocalFiles_SmallestIsSmallTierLargestIsLargeLocalOnly()
    {
        var host = new FakeRoutingBackends().Local("mid", 200).Local("big", 300).Local("tiny", 100);

        var options = new NodeRouter(null, host).DefaultOptions();

        Assert.Equal("local-only", options.DefaultPolicy);
        Assert.Equal("tiny", options.Tiers[ModelTier.Small]);
        Assert.Equal("big", options.Tiers[ModelTier.Large]);
        Assert.Equal(["big", "mid", "tiny"], options.Backends.Select(b => b.Name).Order(StringComparer.Ordinal));
        Assert.All(options.Backends, b => Assert.True(b.IsLocal));
        Assert.Equal(ModelTier.Large, options.Backends.Single(b => b.Name == "big").Tier);
        Assert.Equal(ModelTier.Small, options.Backends.Single(b => b.Name == "mid").Tier);
    }

    [Fact]
    public void DefaultOptions_OneLocalFile_SmallTierOnly()
    {
        var options = new NodeRouter(null, new FakeRoutingBackends().Local("only", 100)).DefaultOptions();

        Assert.Equal("only", options.Tiers[ModelTier.Small]);
        Assert.False(options.Tiers.ContainsKey(ModelTier.Large));
        Assert.Equal(ModelTier.Small, Assert.Single(options.Backends).Tier);
    }

    [Fact]
    public void GetClient_NoLocalFileNoRoutingSection_NotFoundModelNotFound()
    {
        var router = new NodeRouter(null, new FakeRoutingBackends().Remote("gpt"));

        var e = Assert.Throws<HearthRequestException>(() => router.GetClient());

        Assert.False(router.IsAvailable);
        Assert.Equal(RequestErrorKind.NotFound, e.Kind);
        Assert.Equal("model", e.Param);
        Assert.Equal("model_not_found", e.Code);
        Assert.Equal("Model 'hearth/auto' needs a local model in the models folder or a Routing section in the configuration.", e.Message);
    }

    [Fact]
    public void GetClient_ConfiguredBackendNotServed_UnavailableRouteBackendMissing()
    {
        var configured = new RoutingOptions
        {
            Backends = [new BackendOptions("phi", ModelTier.Small, true), new BackendOptions("gone", ModelTier.Large, false)],
            Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = "phi", [ModelTier.Large] = "gone" },
        };
        var router = new NodeRouter(configured, new FakeRoutingBackends().Local("phi", 100));

        var e = Assert.Throws<HearthRequestException>(() => router.GetClient());

        Assert.True(router.IsAvailable);
        Assert.Equal(RequestErrorKind.Unavailable, e.Kind);
        Assert.Equal("model", e.Param);
        Assert.Equal("route_backend_missing", e.Code);
        Assert.Contains("'gone'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetClient_ZeroConfigLocalOnly_LargeLocalAnswersThroughHostPipelineWithOutcome()
    {
        var host = new FakeRoutingBackends().Local("small", 100).Local("large", 900);
        var router = new NodeRouter(null, host);

        var response = await router.GetClient().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal("answer of large", response.Text);
        Assert.Equal(1, host.Client("large").Calls);
        Assert.Equal(0, host.Client("small").Calls);
        var outcome = Assert.IsType<RoutingOutcome>(response.GetRoutingOutcome());
        Assert.Equal("large", outcome.Backend);
        Assert.Contains("local-only", outcome.Reason, StringComparison.Ordinal);
        Assert.False(outcome.Degraded);
    }

    [Fact]
    public void GetClient_SameFiles_SameRouterUntilTheSetChanges()
    {
        var host = new FakeRoutingBackends().Local("small", 100);
        var router = new NodeRouter(null, host);

        var first = router.GetClient();
        var again = router.GetClient();
        host.Local("large", 900);
        var rebuilt = router.GetClient();

        Assert.Same(first, again);
        Assert.Same(rebuilt, router.Current);
        Assert.NotSame(first, rebuilt);
        Assert.Equal(["small", "small", "large"], host.ClientsAskedFor);
    }

    [Fact]
    public void GetClient_SmallTierLocal_AsksCascadeSignalsToRequestLogProbs()
    {
        var asked = new List<bool>();
        var signals = new CascadeSignals(request =>
        {
            asked.Add(request);
            return new NoLogProbs();
        });
        var configured = new RoutingOptions
        {
            Backends = [new BackendOptions("phi", ModelTier.Small, true), new BackendOptions("gpt", ModelTier.Large, false)],
            Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = "phi", [ModelTier.Large] = "gpt" },
        };

        new NodeRouter(configured, new FakeRoutingBackends().Local("phi", 100).Remote("gpt"), cascade: signals).GetClient();
        new NodeRouter(configured with { Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = "gpt", [ModelTier.Large] = "phi" } },
            new FakeRoutingBackends().Local("phi", 100).Remote("gpt"), cascade: signals).GetClient();

        Assert.Equal([true, false], asked);
    }

    [Fact]
    public void HasKeyPolicy_KeyInApiKeyPolicies_TrueOtherwiseFalse()
    {
        var configured = new RoutingOptions
        {
            Backends = [new BackendOptions("phi", ModelTier.Small, true)],
            Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = "phi" },
            ApiKeyPolicies = new Dictionary<string, string>(StringComparer.Ordinal) { ["intern"] = "local-only" },
        };
        var router = new NodeRouter(configured, new FakeRoutingBackends());

        Assert.True(router.HasKeyPolicy("intern"));
        Assert.False(router.HasKeyPolicy("other"));
        Assert.False(router.HasKeyPolicy(null));
        Assert.False(new NodeRouter(null, new FakeRoutingBackends()).HasKeyPolicy("intern"));
    }

    private sealed class NoLogProbs : ILogProbSource
    {
        public bool TryGetTokenLogProbs(ChatResponse response, out IReadOnlyList<double> logProbs)
        {
            logProbs = [];
            return false;
        }
    }
}

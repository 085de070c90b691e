using Hearth.Contracts;
using Hearth.Routing.Carbon;
using Hearth.Routing.Learning;
using Hearth.Routing.Policies;
using Hearth.Routing.Hybrid;
using Hearth.Routing.Sensitive;
using Hearth.Routing.Tests.Fakes;
using Hearth.Routing.Tests.Policies;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Tests.Hybrid;

public sealed class HybridRouterTests
{
    private readonly FakeChatClient _phi = new(_ => "phi says 42");
    private readonly FakeChatClient _qwen = new(_ => "qwen says 42");
    private readonly FakeChatClient _gpt = new(m => "gpt says " + m[^1].Text);

    private sealed class FakeCarbon(bool cloudSurplus) : ICarbonEstimate
    {
        public ValueTask<CarbonForecast> EstimateAsync(BackendOptions backend, int promptTokens, int outputTokens, CancellationToken cancellationToken) =>
            ValueTask.FromResult(backend.Name switch
            {
                "gpt" => new CarbonForecast(1.0, 50, cloudSurplus),
                "qwen-14b" => new CarbonForecast(0.8, 300, false),
                _ => new CarbonForecast(0.1, 300, false),
            });
    }

    private HybridRouter Router(RoutingOptions? options = null, double share = 0.3, bool cloudSurplus = false) => new(
        (options ?? RoutingOptionsTests.Valid()) with { PredictiveEscalationShare = share },
        new Dictionary<string, IChatClient> { ["phi"] = _phi, ["qwen-14b"] = _qwen, ["gpt"] = _gpt },
        EmbeddedRouters.Predictive(),
        carbon: new FakeCarbon(cloudSurplus));

    private static ChatOptions Policy(string name, bool confidential = false)
    {
        var o = Requests.With(new RequestFacts { Policy = name });
        if (confidential)
        {
            o.SetRequestFacts(o.GetRequestFacts() with { Confidential = true });
        }
        return o;
    }

    private static string Route(ChatResponse r) => r.GetRoutingOutcome()!.Backend!;

    private static string Reason(ChatResponse r) => r.GetRoutingOutcome()!.Reason;

    [Fact]
    public async Task LocalOnly_UsesLargestLocalBackend()
    {
        var r = await Router().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], Policy("local-only"));
        Assert.Equal("qwen-14b", Route(r));
        Assert.Equal(0, _gpt.Calls);
    }

    [Fact]
    public async Task Fixed_UsesNamedBackend_AndExplains()
    {
        var r = await Router().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], Policy("fixed:gpt"));
        Assert.Equal("gpt", Route(r));
        Assert.Equal("fixed: gpt", Reason(r));
    }

    [Fact]
    public async Task ApiKeyPolicy_AppliesWhenRequestNamesNone()
    {
        var options = Requests.With(new RequestFacts { ApiKeyId = "team-b" });
        var r = await Router().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], options);
        Assert.Equal("gpt", Route(r));
    }

    [Fact]
    public async Task UnknownRequestPolicy_ThrowsTypedListingKnown()
    {
        var e = await Assert.ThrowsAsync<RoutingRequestException>(() => Router().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], Policy("fastest")));
        Assert.Contains("carbon-aware", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CarbonAware_PicksLowestGramsAmongAllowed()
    {
        // Escalation required (share 1): candidates are the large tier only -> gpt.
        var r = await Router(share: 1).GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], Policy("carbon-aware"));
        Assert.Equal("gpt", Route(r));
        // No escalation: every tier allowed; phi 0.03 g beats gpt 0.05 g and qwen 0.24 g.
        var r2 = await Router(share: 0).GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], Policy("carbon-aware"));
        Assert.Equal("phi", Route(r2));
        Assert.Contains("gCO2e", Reason(r2), StringComparison.Ordinal);
        // Renewable surplus at the cloud site wins over lower grams.
        var r3 = await Router(share: 0, cloudSurplus: true).GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], Policy("carbon-aware"));
        Assert.Equal("gpt", Route(r3));
    }

    [Fact]
    public async Task Confidential_Declared_KeptLocalWithReason()
    {
        var r = await Router().GetResponseAsync([new ChatMessage(ChatRole.User, "board minutes")], Policy("fixed:gpt", confidential: true));
        Assert.Equal("qwen-14b", Route(r));
        Assert.Contains("declared confidential", Reason(r), StringComparison.Ordinal);
        Assert.Equal(0, _gpt.Calls);
    }

    [Fact]
    public async Task Confidential_ConfiguredApiKey_KeptLocal()
    {
        var options = RoutingOptionsTests.Valid() with { ConfidentialApiKeys = new HashSet<string> { "team-b" } };
        var r = await Router(options).GetResponseAsync([new ChatMessage(ChatRole.User, "hi")],
            Requests.With(new RequestFacts { ApiKeyId = "team-b" }));
        Assert.Equal("qwen-14b", Route(r));
    }

    [Fact]
    public async Task Sensitive_RedactAndEscalate_PlaceholdersUpstreamRestoredInAnswer()
    {
        var options = RoutingOptionsTests.Valid() with { Residency = ResidencyMode.RedactAndEscalate };
        var r = await Router(options).GetResponseAsync([new ChatMessage(ChatRole.User, "Email bob@example.org about it")], Policy("fixed:gpt"));
        Assert.Equal("gpt", Route(r));
        Assert.Equal("Email [[EMAIL_1]] about it", _gpt.Received.Single());
        Assert.Equal("gpt says Email bob@example.org about it", r.Text);
        Assert.Contains("redacted", Reason(r), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sensitive_DeclaredConfidential_NotRedactedButKeptLocal()
    {
        var options = RoutingOptionsTests.Valid() with { Residency = ResidencyMode.RedactAndEscalate };
        var r = await Router(options).GetResponseAsync([new ChatMessage(ChatRole.User, "Email bob@example.org")], Policy("fixed:gpt", confidential: true));
        Assert.Equal("qwen-14b", Route(r));
        Assert.Empty(_gpt.Received);
    }

    [Fact]
    public async Task Streaming_FirstUpdateCarriesRoute()
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in Router().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], Policy("fixed:phi")))
        {
            updates.Add(u);
        }
        Assert.Equal("phi", updates[0].GetRoutingOutcome()?.Backend);
        Assert.Equal("phi says 42", updates.ToChatResponse().Text.Trim());
    }

    [Fact]
    public async Task Decide_ExplainsWithoutSending()
    {
        var d = await Router().DecideAsync([new ChatMessage(ChatRole.User, "my card 4111 1111 1111 1111")], Policy("fixed:gpt"), CancellationToken.None);
        Assert.Equal("qwen-14b", d.Backend);
        Assert.True(d.Confidential);
        Assert.Contains("PaymentCard", d.Reason, StringComparison.Ordinal);
        Assert.Equal(0, _qwen.Calls + _gpt.Calls);
    }

    [Fact]
    public void Constructor_MissingClient_Throws()
    {
        Assert.Throws<RoutingConfigurationException>(() => new HybridRouter(RoutingOptionsTests.Valid(), new Dictionary<string, IChatClient> { ["phi"] = _phi }));
    }

    [Fact]
    public void Constructor_ConfiguredPredictiveWithoutModel_Throws()
    {
        var options = RoutingOptionsTests.Valid() with { DefaultPolicy = "predictive" };
        var e = Assert.Throws<RoutingConfigurationException>(() => new HybridRouter(options,
            new Dictionary<string, IChatClient> { ["phi"] = _phi, ["qwen-14b"] = _qwen, ["gpt"] = _gpt }));
        Assert.Contains("predictive", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Guard_BlocksSensitiveDataSentDirectlyToRemote()
    {
        var guard = new ResidencyGuardChatClient(_gpt, new SensitiveDataDetector(), "gpt");
        await Assert.ThrowsAsync<ResidencyRefusedException>(() => guard.GetResponseAsync([new ChatMessage(ChatRole.User, "ssn 123-45-6789")]));
        Assert.Equal(1, guard.BlockedCount);
        Assert.Equal(0, _gpt.Calls);
    }
}

public sealed class HybridRouterCascadeTests
{
    [Fact]
    public async Task Cascade_ConfidentialWithRemoteLarge_EscalatesToLargestLocalInstead()
    {
        var phi = new FakeChatClient(_ => "I'm sorry, but I can't help with that.");
        var qwen = new FakeChatClient(_ => "qwen answer");
        var gpt = new FakeChatClient(_ => "gpt answer");
        var router = new HybridRouter(RoutingOptionsTests.Valid(),
            new Dictionary<string, IChatClient> { ["phi"] = phi, ["qwen-14b"] = qwen, ["gpt"] = gpt });
        var options = Requests.With(new RequestFacts { Policy = "cascade", Confidential = true });
        var r = await router.GetResponseAsync([new ChatMessage(ChatRole.User, "x")], options);
        Assert.Equal("qwen-14b", r.GetRoutingOutcome()?.Backend);
        Assert.Equal(0, gpt.Calls);
    }

    [Fact]
    public async Task Cascade_OnlyOneLocal_ConfidentialNeverReasksSameModel()
    {
        var options = RoutingOptionsTests.Valid() with
        {
            Backends = [new BackendOptions("phi", ModelTier.Small, true), new BackendOptions("gpt", ModelTier.Large, false)],
            Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = "phi", [ModelTier.Large] = "gpt" },
            ApiKeyPolicies = new Dictionary<string, string>(),
        };
        var phi = new FakeChatClient(_ => "I'm sorry, but I can't help with that.");
        var gpt = new FakeChatClient(_ => "gpt");
        var router = new HybridRouter(options, new Dictionary<string, IChatClient> { ["phi"] = phi, ["gpt"] = gpt });
        var r = await router.GetResponseAsync([new ChatMessage(ChatRole.User, "mail me at a@b.com")],
            Requests.With(new RequestFacts { Policy = "cascade" }));
        Assert.Equal(1, phi.Calls);
        Assert.Equal(0, gpt.Calls);
        Assert.Contains("not allowed", r.GetRoutingOutcome()!.Reason, StringComparison.Ordinal);
    }
}

using Hearth.Contracts;
using Hearth.Routing.Hybrid;
using Hearth.Routing.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Tests.Hybrid;

public sealed class DecisionEchoChatClientTests
{
    private static readonly ChatMessage[] s_hi = [new ChatMessage(ChatRole.User, "hi")];

    private static ChatOptions Decided(RoutingOutcome outcome)
    {
        var options = new ChatOptions();
        options.SetRoutingOutcome(outcome);
        return options;
    }

    private static IChatClient Echo(IChatClient backend) => new ChatClientBuilder(backend).UseDecisionEcho().Build();

    [Fact]
    public async Task GetResponse_DecisionInOptions_ReasonAndPolicyOnResponseWithoutBackend()
    {
        var backend = new ScriptedChatClient(["ok"]);
        var options = Decided(new RoutingOutcome("phi", "local-only: small tier", Degraded: true, Policy: "local-only"));

        var response = await Echo(backend).GetResponseAsync(s_hi, options);

        Assert.Equal(new RoutingOutcome(null, "local-only: small tier", Policy: "local-only"), response.GetRoutingOutcome());
        Assert.Same(options, Assert.Single(backend.Options));
        Assert.Equal("phi", options.GetRoutingOutcome()?.Backend);
    }

    [Fact]
    public async Task GetResponse_NoDecision_ResponseUntouched()
    {
        var response = await Echo(new ScriptedChatClient(["ok"])).GetResponseAsync(s_hi, new ChatOptions());

        Assert.Null(response.GetRoutingOutcome());
    }

    [Fact]
    public async Task GetResponse_BackendSetItsOwnOutcome_BackendsOutcomeKept()
    {
        var own = new RoutingOutcome("inner", "cascade: accepted");
        var backend = new ScriptedChatClient(["ok"], onResponse: r => r.SetRoutingOutcome(own));

        var response = await Echo(backend).GetResponseAsync(s_hi, Decided(new RoutingOutcome(null, "router reason")));

        Assert.Same(own, response.GetRoutingOutcome());
    }

    [Fact]
    public async Task GetStreamingResponse_DecisionInOptions_OnFirstUpdateOnly()
    {
        var updates = await Echo(new ScriptedChatClient(["a", "b", "c"]))
            .GetStreamingResponseAsync(s_hi, Decided(new RoutingOutcome("phi", "why", Policy: "fixed"))).ToListAsync();

        Assert.Equal(3, updates.Count);
        Assert.Equal(new RoutingOutcome(null, "why", Policy: "fixed"), updates[0].GetRoutingOutcome());
        Assert.Null(updates[1].GetRoutingOutcome());
        Assert.Null(updates[2].GetRoutingOutcome());
    }

    [Fact]
    public async Task GetStreamingResponse_FirstUpdateHasOutcome_KeptAndLaterUpdatesUntouched()
    {
        var own = new RoutingOutcome(null, "backend's own");
        var backend = new ScriptedChatClient(["a", "b"], onUpdate: (i, u) =>
        {
            if (i == 0)
            {
                u.SetRoutingOutcome(own);
            }
        });

        var updates = await Echo(backend).GetStreamingResponseAsync(s_hi, Decided(new RoutingOutcome(null, "why"))).ToListAsync();

        Assert.Same(own, updates[0].GetRoutingOutcome());
        Assert.Null(updates[1].GetRoutingOutcome());
    }
}

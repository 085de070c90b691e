using Hearth.Contracts;
using Hearth.Routing.Cascade;
using Hearth.Routing.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Tests.Cascade;

/// <summary>The self-consistency sampler over a hand-written client: what each sample's options carry.</summary>
public sealed class ClientSelfConsistencySamplerTests
{
    [Fact]
    public async Task SampleAsync_RequestWithLogProbsAndFacts_SamplesDropLogProbsKeepFactsAndCarryTheirReason()
    {
        var client = new ScriptedChatClient(["42"]);
        var sampler = new ClientSelfConsistencySampler(client, temperature: 0.7f);
        var options = new ChatOptions { Seed = 10 };
        options.SetLogProbsRequest(new LogProbsRequest(3));
        options.SetRequestFacts(new RequestFacts { Tenant = "acme" });
        options.SetRoutingOutcome(new RoutingOutcome(null, "cascade", Policy: "cascade"));

        var answers = await sampler.SampleAsync([new ChatMessage(ChatRole.User, "6 x 7?")], options, 2, CancellationToken.None);

        Assert.Equal(["42", "42"], answers);
        Assert.Equal(2, client.Options.Count);
        Assert.All(client.Options, o => Assert.Null(o.GetLogProbsRequest()));
        Assert.All(client.Options, o => Assert.Equal("acme", o.GetRequestFacts().Tenant));
        Assert.All(client.Options, o => Assert.Equal("cascade", o.GetRoutingOutcome()!.Policy));
        Assert.Equal(["cascade: self-consistency sample 1 of 2", "cascade: self-consistency sample 2 of 2"],
            client.Options.Select(o => o.GetRoutingOutcome()!.Reason).Order(StringComparer.Ordinal));
        Assert.Equal([11, 12], client.Options.Select(o => (int)o!.Seed!.Value).Order());
        Assert.NotNull(options.GetLogProbsRequest()); // the caller's options are untouched
    }
}

using Hearth.Contracts;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Hearth.Routing.Learning;
using Hearth.Routing.Policies;
using Hearth.Routing.Hybrid;
using Hearth.Routing.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Tests.Hybrid;

/// <summary>
/// Failover to the local backend when the remote one a policy chose is unavailable before its first token: a real loopback
/// port with nothing listening stands in for a down upstream.
/// </summary>
public sealed class HybridRouterFailoverTests : IDisposable
{
    private readonly HttpClient _closed = new() { BaseAddress = ClosedPort() };
    private readonly FakeChatClient _local = new(_ => "I'm sorry, but I can't help with that.");

    public void Dispose() => _closed.Dispose();

    private static Uri ClosedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    private HybridRouter Router(IChatClient? remote = null) => new(new RoutingOptions
    {
        Backends = [new BackendOptions("local-small", ModelTier.Small, IsLocal: true), new BackendOptions("cloud-large", ModelTier.Large, IsLocal: false)],
        Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = "local-small", [ModelTier.Large] = "cloud-large" },
        DefaultPolicy = "predictive",
        PredictiveEscalationShare = 1.0,
    }, new Dictionary<string, IChatClient> { ["local-small"] = _local, ["cloud-large"] = remote ?? new HttpUpstreamChatClient(_closed) }, EmbeddedRouters.Predictive());

    private static ChatOptions Policy(string policy) => Requests.With(new RequestFacts { Policy = policy });

    private static readonly ChatMessage[] s_prompt = [new(ChatRole.User, "Prove that there are infinitely many primes, step by step.")];

    [Fact]
    public async Task GetResponseAsync_PredictiveChoosesDownUpstream_LocalAnswersMarkedDegraded()
    {
        var router = Router();

        var response = await router.GetResponseAsync(s_prompt, Policy("predictive"));

        Assert.Equal("local-small", response.GetRoutingOutcome()?.Backend);
        Assert.Equal(true, response.GetRoutingOutcome()?.Degraded);
        var reason = response.GetRoutingOutcome()!.Reason;
        Assert.StartsWith("predictive:", reason, StringComparison.Ordinal);
        Assert.EndsWith("degraded: 'cloud-large' unavailable (connection failed): answered by local 'local-small'", reason, StringComparison.Ordinal);
        Assert.Equal(1, _local.Calls);
        Assert.Equal(1, router.FailoverCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_DownUpstreamBeforeFirstUpdate_LocalStreamFirstUpdateMarkedDegraded()
    {
        var router = Router();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in router.GetStreamingResponseAsync(s_prompt, Policy("predictive")))
        {
            updates.Add(u);
        }

        Assert.NotEmpty(updates);
        Assert.Equal(true, updates[0].GetRoutingOutcome()?.Degraded);
        Assert.Equal("local-small", updates[0].GetRoutingOutcome()?.Backend);
        Assert.Equal("I'm sorry, but I can't help with that.", updates.ToChatResponse().Text.Trim());
    }

    [Fact]
    public async Task GetResponseAsync_FixedPolicyPinsDownUpstream_ErrorReachesCallerNoLocalAnswer()
    {
        var router = Router();

        await Assert.ThrowsAsync<HttpRequestException>(() => router.GetResponseAsync(s_prompt, Policy("fixed:cloud-large")));

        Assert.Equal(0, _local.Calls);
        Assert.Equal(0, router.FailoverCount);
    }

    [Fact]
    public async Task GetResponseAsync_RemoteFailsWithNonAvailabilityError_ErrorReachesCaller()
    {
        var router = Router(new ScriptedRemote(new InvalidOperationException("rejected: bad request"), updatesBeforeFailure: 0));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => router.GetResponseAsync(s_prompt, Policy("predictive")));

        Assert.Equal("rejected: bad request", e.Message);
        Assert.Equal(0, _local.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RemoteFailsAfterFirstUpdate_NoSecondAnswerMidStream()
    {
        var router = Router(new ScriptedRemote(new HttpRequestException("connection reset"), updatesBeforeFailure: 1));
        var received = new List<ChatResponseUpdate>();

        await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            await foreach (var u in router.GetStreamingResponseAsync(s_prompt, Policy("predictive")))
            {
                received.Add(u);
            }
        });

        Assert.Single(received);
        Assert.Equal("cloud-large", received[0].GetRoutingOutcome()?.Backend);
        Assert.Equal(0, _local.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_CascadeEscalationToDownUpstream_SmallAnswerKeptMarkedDegraded()
    {
        var router = Router();

        var response = await router.GetResponseAsync(s_prompt, Policy("cascade"));

        Assert.Equal("local-small", response.GetRoutingOutcome()?.Backend);
        Assert.Equal(true, response.GetRoutingOutcome()?.Degraded);
        Assert.Contains("degraded: 'cloud-large' unavailable (connection failed): small answer kept", response.GetRoutingOutcome()!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancelsWhileUpstreamDown_NoFailover()
    {
        var router = Router();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => router.GetResponseAsync(s_prompt, Policy("predictive"), cts.Token));

        Assert.Equal(0, _local.Calls);
    }

    /// <summary>A remote backend that streams <c>updatesBeforeFailure</c> updates, then throws.</summary>
    private sealed class ScriptedRemote(Exception failure, int updatesBeforeFailure) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromException<ChatResponse>(failure);

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (var i = 0; i < updatesBeforeFailure; i++)
            {
                await Task.Yield();
                yield return new ChatResponseUpdate(ChatRole.Assistant, "part ");
            }
            throw failure;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

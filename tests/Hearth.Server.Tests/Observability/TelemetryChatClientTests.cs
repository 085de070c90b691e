using Hearth.Server.Backends;
using Hearth.Server.Observability;
using Hearth.Server.Tests.Support;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Tests.Observability;

/// <summary>The telemetry stage over a hand-written inner client: request outcomes and token counts per model.</summary>
public sealed class TelemetryChatClientTests
{
    private static readonly ModelDescriptor Local = new("tiny", BackendKind.Local, "hearth", null, "/models/tiny.gguf", 1, DateTimeOffset.UnixEpoch);
    private static readonly ModelDescriptor Upstream = new("gpt", BackendKind.Upstream, "cloud", "gpt-4o", null, 0, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task GetResponseAsync_Answered_CountsOneOkRequestAndItsTokens()
    {
        var metrics = new HearthMetrics();
        using var client = new TelemetryChatClient(new FakeChatClient(), Local, metrics);

        await client.GetResponseAsync("Hi");

        Assert.Equal(1, metrics.ModelRequests.Get("tiny", "local", "ok"));
        Assert.Equal(5, metrics.Tokens.Get("tiny", "input"));
        Assert.Equal(3, metrics.Tokens.Get("tiny", "output"));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ReadToTheEnd_CountsOkWithTheUsageUpdatesTokens()
    {
        var metrics = new HearthMetrics();
        using var client = new TelemetryChatClient(new FakeChatClient { StreamedTexts = ["a", "b", "c"] }, Upstream, metrics);

        var texts = new List<string>();
        await foreach (var u in client.GetStreamingResponseAsync("Hi"))
        {
            texts.Add(u.Text);
        }

        Assert.Equal(["a", "b", "c", ""], texts);
        Assert.Equal(1, metrics.ModelRequests.Get("gpt", "upstream", "ok"));
        Assert.Equal(3, metrics.Tokens.Get("gpt", "output"));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ConsumerStopsEarly_CountsCancelledNotOk()
    {
        var metrics = new HearthMetrics();
        using var client = new TelemetryChatClient(new FakeChatClient { StreamedTexts = ["a", "b", "c"] }, Local, metrics);

        await foreach (var _ in client.GetStreamingResponseAsync("Hi"))
        {
            break;
        }

        Assert.Equal(1, metrics.ModelRequests.Get("tiny", "local", "cancelled"));
        Assert.Equal(0, metrics.ModelRequests.Get("tiny", "local", "ok"));
        Assert.Equal(0, metrics.Tokens.Get("tiny", "output"));
    }

    [Fact]
    public async Task GetResponseAsync_InnerFails_CountsErrorAndRethrowsTheSameException()
    {
        var metrics = new HearthMetrics();
        var failure = new InvalidOperationException("backend broke");
        using var client = new TelemetryChatClient(new FakeChatClient { Answer = (_, _) => throw failure }, Local, metrics);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync("Hi"));

        Assert.Same(failure, e);
        Assert.Equal(1, metrics.ModelRequests.Get("tiny", "local", "error"));
        Assert.Equal(0, metrics.ModelRequests.Get("tiny", "local", "ok"));
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancelled_CountsCancelled()
    {
        var metrics = new HearthMetrics();
        using var cts = new CancellationTokenSource();
        using var client = new TelemetryChatClient(new FakeChatClient
        {
            Answer = (_, _) =>
            {
                cts.Cancel();
                throw new OperationCanceledException(cts.Token);
            },
        }, Local, metrics);

        await Assert.ThrowsAsync<OperationCanceledException>(() => client.GetResponseAsync("Hi", cancellationToken: cts.Token));

        Assert.Equal(1, metrics.ModelRequests.Get("tiny", "local", "cancelled"));
    }
}

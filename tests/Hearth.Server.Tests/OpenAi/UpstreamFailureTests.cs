using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.Inference.Import;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenAI.Chat;

namespace Hearth.Server.Tests.OpenAi;

/// <summary>
/// Upstreams that stall or break, and a full local queue: each failure has its status, its JSON shape and its header, and a
/// stream that has started is never retried.
/// </summary>
public sealed class UpstreamFailureTests
{
    private const string Chunk = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"first words\"},\"finish_reason\":null}]}\n\n";

    [Fact]
    public async Task CompleteChat_UpstreamNeverAnswers_SdkGets504()
    {
        using var home = new TempDir();
        await using var upstream = await Upstream(async (context, ct) => await Task.Delay(TimeSpan.FromSeconds(30), ct));
        var options = TestNodes.Upstream("slow", upstream.BaseAddress, "m") with { TimeoutSeconds = 1, MaxRetries = 0 };
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home, options));

        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            TestNodes.OpenAiClient(node).GetChatClient("m").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(504, error.Status);
        Assert.Contains("slow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamChat_UpstreamStallsBeforeFirstChunk_Returns504Json()
    {
        using var home = new TempDir();
        await using var upstream = await Upstream(async (context, ct) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.Body.FlushAsync(ct);   // headers out, then silence
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
        });
        var options = TestNodes.Upstream("stalling", upstream.BaseAddress, "m") with { StreamIdleTimeoutSeconds = 1, MaxRetries = 0 };
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home, options));
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };

        using var response = await http.PostAsync("v1/chat/completions", Json("""{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}"""));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("stalled", body.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamChat_UpstreamStallsAfterFirstChunk_ClientGetsChunkThenErrorEvent()
    {
        using var home = new TempDir();
        await using var upstream = await Upstream(async (context, ct) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(Chunk, ct);
            await context.Response.Body.FlushAsync(ct);
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
        });
        var options = TestNodes.Upstream("stalling", upstream.BaseAddress, "m") with { StreamIdleTimeoutSeconds = 1 };
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home, options));
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };

        using var response = await http.PostAsync("v1/chat/completions", Json("""{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}"""));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("first words", text, StringComparison.Ordinal);
        Assert.Contains("\"error\"", text, StringComparison.Ordinal);
        Assert.Contains("stalled", text, StringComparison.Ordinal);
        Assert.Equal(1, upstream.Hits(ChatPath));
    }

    [Fact]
    public async Task StreamChat_UpstreamConnectionDropsAfterFirstChunk_NotRetried()
    {
        using var home = new TempDir();
        await using var upstream = await Upstream(async (context, ct) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(Chunk, ct);
            await context.Response.Body.FlushAsync(ct);
            await Task.Delay(500, ct);   // let the node forward the chunk (a reset discards data the peer has not read yet)
            context.Abort();
        });
        var options = TestNodes.Upstream("dropping", upstream.BaseAddress, "m") with { MaxRetries = 3 };
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home, options));
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };

        using var response = await http.PostAsync("v1/chat/completions", Json("""{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}"""));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("first words", text, StringComparison.Ordinal);
        Assert.Contains("\"error\"", text, StringComparison.Ordinal);
        Assert.Equal(1, upstream.Hits(ChatPath));   // the stream had started: no retry, even with MaxRetries = 3
    }

    [Fact]
    public async Task Chat_LocalQueueFull_Returns429WithRetryAfter()
    {
        using var home = new TempDir();
        var models = Path.Combine(home.Path, "models");
        Directory.CreateDirectory(models);
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), Path.Combine(models, "stories260K.gguf"));
        var options = TestNodes.Options(home);
        options = options with { Local = options.Local with { Threads = 1, ConcurrentSequencesPerModel = 1, QueueCapacity = 0, ContextLength = 4096 } };
        await using var node = await TestNodes.StartAsync(options);
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var longRequest = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = Json("""{"model":"stories260K","messages":[{"role":"user","content":"Tell a long story"}],"max_tokens":4000,"stream":true}"""),
        };
        using var busy = await http.SendAsync(longRequest, HttpCompletionOption.ResponseHeadersRead);   // holds the only slot while it streams

        using var refused = await http.PostAsync("v1/chat/completions", Json("""{"model":"stories260K","messages":[{"role":"user","content":"hi"}],"max_tokens":4}"""));
        using var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, busy.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "Retry-After must be whole seconds >= 1");
        Assert.Equal("rate_limit_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private const string ChatPath = "/v1/chat/completions";

    /// <summary>A loopback upstream whose chat endpoint runs <paramref name="script"/> (the node giving up is the point: cancellation is swallowed).</summary>
    private static Task<LoopbackServer> Upstream(Func<HttpContext, CancellationToken, Task> script) =>
        LoopbackServer.StartAsync(app => app.MapPost(ChatPath, async (HttpContext context) =>
        {
            try
            {
                await script(context, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        }));
}

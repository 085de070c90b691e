using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hearth.Benchmarks.Gateway;

/// <summary>
/// A minimal OpenAI-compatible server on loopback that answers every chat completion with the same precomputed bytes — the
/// "upstream" of the gateway benchmark, so that what is measured is the gateway, not a model. Streams (SSE, three content chunks,
/// usage, <c>[DONE]</c>) when the body asks for <c>"stream":true</c>; serves <c>/v1/models</c> and <c>/v1/embeddings</c> too.
/// </summary>
public sealed class FixedResponseUpstream : IAsyncDisposable
{
    public const string ModelId = "fixed-model";
    public const string ReplyText = "Hello from the fixed upstream.";

    private static readonly byte[] Completion = Encoding.UTF8.GetBytes(
        "{\"id\":\"chatcmpl-fixed\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"" + ModelId + "\"," +
        "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + ReplyText + "\"},\"finish_reason\":\"stop\"}]," +
        "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19}}");

    private static readonly byte[] Stream = Encoding.UTF8.GetBytes(string.Concat(
        Chunk("{\"role\":\"assistant\",\"content\":\"Hello \"}", null),
        Chunk("{\"content\":\"from the \"}", null),
        Chunk("{\"content\":\"fixed upstream.\"}", "\"stop\""),
        "data: {\"id\":\"chatcmpl-fixed\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"" + ModelId +
        "\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19}}\n\n",
        "data: [DONE]\n\n"));

    private static readonly byte[] Models = Encoding.UTF8.GetBytes(
        "{\"object\":\"list\",\"data\":[{\"id\":\"" + ModelId + "\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"bench\"}]}");

    private static readonly byte[] Embeddings = Encoding.UTF8.GetBytes(
        "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.25,-0.5,0.75]}],\"model\":\"" + ModelId +
        "\",\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}");

    private static string Chunk(string delta, string? finish) =>
        "data: {\"id\":\"chatcmpl-fixed\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"" + ModelId +
        "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + (finish ?? "null") + "}]}\n\n";

    private readonly WebApplication _app;
    private long _requests;

    private FixedResponseUpstream(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>e.g. <c>http://127.0.0.1:PORT/</c>; the OpenAI base URL is <c>BaseAddress + "v1"</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Chat completions served so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>The body of the latest chat completion request (UTF-8 JSON), for checking what a gateway forwarded.</summary>
    public string? LastRequestBody => _lastBody is { } b ? Encoding.UTF8.GetString(b) : null;

    private byte[]? _lastBody;

    public static async Task<FixedResponseUpstream> StartAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port);
        });
        var app = builder.Build();
        FixedResponseUpstream? self = null;
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            Interlocked.Increment(ref self!._requests);
            var body = await ReadBodyAsync(context).ConfigureAwait(false);
            Volatile.Write(ref self._lastBody, body);
            var stream = body.AsSpan().IndexOf("\"stream\":true"u8) >= 0;
            context.Response.ContentType = stream ? "text/event-stream" : "application/json";
            var bytes = stream ? Stream : Completion;
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        });
        app.MapGet("/v1/models", (HttpContext context) => Write(context, Models));
        app.MapPost("/v1/embeddings", async (HttpContext context) =>
        {
            await ReadBodyAsync(context).ConfigureAwait(false);
            await Write(context, Embeddings).ConfigureAwait(false);
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FixedResponseUpstream(app, new Uri(address + "/"));
        return self;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static Task Write(HttpContext context, byte[] bytes)
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hearth.TestSupport;

/// <summary>
/// A real Kestrel server on loopback whose routes a test defines (a slow or failing upstream, a carbon API, …); counts hits per
/// path. It binds port 0 and reads back the port the OS chose, so parallel tests never race for a port (probing a free port,
/// releasing it and binding it again would).
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, int> _hits;

    private LoopbackServer(WebApplication app, Uri baseAddress, Dictionary<string, int> hits)
    {
        _app = app;
        BaseAddress = baseAddress;
        _hits = hits;
    }

    public Uri BaseAddress { get; }

    public int Hits(string path)
    {
        lock (_hits)
        {
            return _hits.GetValueOrDefault(path);
        }
    }

    public static async Task<LoopbackServer> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var hits = new Dictionary<string, int>(StringComparer.Ordinal);
        app.Use(async (context, next) =>
        {
            lock (hits)
            {
                hits[context.Request.Path] = hits.GetValueOrDefault(context.Request.Path) + 1;
            }
            await next(context);
        });
        map(app);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return new LoopbackServer(app, address, hits);
    }

    /// <summary>
    /// <see cref="StartAsync"/> for a fake whose constructor must stay synchronous. The start runs on the thread pool, so
    /// blocking on it cannot deadlock on a test's synchronization context.
    /// </summary>
    public static LoopbackServer Start(Action<WebApplication> map) => Task.Run(() => StartAsync(map)).GetAwaiter().GetResult();

    /// <summary>An OpenAI-style SSE stream of <paramref name="chunks"/> content chunks, one every <paramref name="every"/>.</summary>
    public static async Task SlowStreamAsync(HttpContext context, int chunks, TimeSpan every)
    {
        context.Response.ContentType = "text/event-stream";
        for (var i = 0; i < chunks; i++)
        {
            await context.Response.WriteAsync(
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"slow\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"},\"finish_reason\":null}]}\n\n",
                context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(every, context.RequestAborted);
        }
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

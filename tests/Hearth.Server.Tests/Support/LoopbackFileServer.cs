using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Tests.Support;

/// <summary>
/// A real HTTP file server on loopback for pull tests: <c>GET /f/NAME</c> with <c>Range: bytes=N-</c> support (206 + Content-Range),
/// optional <c>/f/NAME.sha256</c> sidecar and ETag (a range request whose <c>If-Range</c> does not match the current ETag gets the
/// whole file with 200, as RFC 9110 says), and a mode that cuts the connection after some bytes of the first responses.
/// </summary>
internal sealed class LoopbackFileServer : IAsyncDisposable
{
    private LoopbackServer _server = null!;
    private readonly Dictionary<string, byte[]> _files = [];
    private readonly Dictionary<string, string> _sidecars = [];
    private readonly Dictionary<string, string> _etags = [];
    private readonly Dictionary<string, RequestDelegate> _handlers = [];
    private int _dropsLeft;

    private LoopbackFileServer()
    {
    }

    public Uri BaseAddress => _server.BaseAddress;
    public List<string?> RangesSeen { get; } = [];
    public List<string?> IfRangesSeen { get; } = [];
    public int DropAfterBytes { get; set; } = 1000;

    public void Add(string name, byte[] content, string? sidecar = null, string? etag = null)
    {
        _files[name] = content;
        if (sidecar is not null) { _sidecars[name + ".sha256"] = sidecar; }
        if (etag is not null) { _etags[name] = etag; }
    }

    /// <summary>Serves <c>/f/NAME</c> (or a sidecar <c>/f/NAME.sha256</c>) with <paramref name="handler"/>: a hostile or broken server.</summary>
    public void AddHandler(string name, RequestDelegate handler) => _handlers[name] = handler;

    /// <summary>The next <paramref name="count"/> file responses are cut off after <see cref="DropAfterBytes"/> bytes.</summary>
    public void DropConnections(int count) => _dropsLeft = count;

    public static async Task<LoopbackFileServer> StartAsync()
    {
        var server = new LoopbackFileServer();
        server._server = await LoopbackServer.StartAsync(app => app.MapGet("/f/{name}", server.ServeAsync));
        return server;
    }

    private async Task ServeAsync(HttpContext context)
    {
        var name = (string)context.Request.RouteValues["name"]!;
        if (_handlers.TryGetValue(name, out var handler))
        {
            await handler(context);
            return;
        }
        if (_sidecars.TryGetValue(name, out var sidecar))
        {
            await context.Response.WriteAsync(sidecar + "  " + name[..^7] + "\n");
            return;
        }
        if (!_files.TryGetValue(name, out var content))
        {
            context.Response.StatusCode = 404;
            return;
        }
        var range = context.Request.Headers.Range.ToString();
        lock (RangesSeen) { RangesSeen.Add(range.Length == 0 ? null : range); }
        var ifRange = context.Request.Headers.IfRange.ToString();
        lock (IfRangesSeen) { IfRangesSeen.Add(ifRange.Length == 0 ? null : ifRange); }
        _etags.TryGetValue(name, out var currentEtag);
        var rangeValid = ifRange.Length == 0 || ifRange == currentEtag;
        long from = 0;
        if (rangeValid && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            from = long.Parse(range[6..^1], System.Globalization.CultureInfo.InvariantCulture);
            if (from >= content.Length)
            {
                context.Response.StatusCode = 416;
                context.Response.Headers.ContentRange = $"bytes */{content.Length}";
                return;
            }
            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {from}-{content.Length - 1}/{content.Length}";
        }
        if (_etags.TryGetValue(name, out var etag)) { context.Response.Headers.ETag = etag; }
        context.Response.ContentLength = content.Length - from;
        if (Interlocked.Decrement(ref _dropsLeft) >= 0)
        {
            await context.Response.Body.WriteAsync(content.AsMemory((int)from, Math.Min(DropAfterBytes, content.Length - (int)from)));
            await context.Response.Body.FlushAsync();
            await Task.Delay(100);   // let the client read what was sent: a reset discards data the peer has not read yet
            context.Abort();
            return;
        }
        await context.Response.Body.WriteAsync(content.AsMemory((int)from));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
    }
}

using Hearth.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hearth.Ledger.Tests;

/// <summary>A clock tests move by hand.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now;
    private long _ticks;

    public ManualTimeProvider(DateTimeOffset start) => _now = start;

    public override DateTimeOffset GetUtcNow() => _now;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => _ticks;

    public void Advance(TimeSpan by)
    {
        _now += by;
        _ticks += by.Ticks;
    }
}

/// <summary>A tiny HTTP server on 127.0.0.1 (a <see cref="LoopbackServer"/> on port 0) that answers each request with a handler's (status, body); records paths.</summary>
internal sealed class FakeHttpServer : IAsyncDisposable
{
    private readonly LoopbackServer _server;

    public FakeHttpServer(Func<HttpRequest, (int Status, string Body)> handler)
    {
        _server = LoopbackServer.Start(app => app.Run(async context =>
        {
            lock (Requests)
            {
                Requests.Add($"{context.Request.Path}{context.Request.QueryString}");
                AuthTokens.Add(context.Request.Headers["auth-token"].FirstOrDefault());
            }
            var (status, body) = handler(context.Request);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body, context.RequestAborted);
        }));
    }

    public Uri BaseAddress => _server.BaseAddress;
    public List<string> Requests { get; } = [];
    public List<string?> AuthTokens { get; } = [];

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

using Hearth.Ledger.Entries;
using Hearth.Ledger.Store;
using Hearth.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Hearth.Ledger.Tests;

/// <summary>
/// The shared fake clock (<see cref="FakeTimeProvider"/>) under the name the ledger tests use: <c>Advance</c> moves both the
/// wall clock and the timestamps; timers created through it fire only when it is advanced.
/// </summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : FakeTimeProvider(start);

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

/// <summary>An appender that keeps every entry in a list, as given (no sequence or hash).</summary>
internal sealed class ListAppender : ILedgerAppender
{
    public List<LedgerEntry> Entries { get; } = [];

    public ValueTask<LedgerEntry> AppendAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        Entries.Add(entry);
        return ValueTask.FromResult(entry);
    }
}

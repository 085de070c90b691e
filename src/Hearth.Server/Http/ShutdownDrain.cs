using Hearth.Server.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Hearth.Server.Http;

/// <summary>
/// Graceful shutdown of in-flight requests. When the host starts stopping, new requests get 503 <c>shutting_down</c>
/// (Kestrel also stops accepting connections), and <see cref="Configuration.ServerOptions.ShutdownGraceSeconds"/> later the
/// requests still running are cancelled through their <see cref="HttpContext.RequestAborted"/> (linked here to the drain
/// token), so every pipeline stage — the ledger's metering included — sees an ordinary cancellation and records it.
/// The host's shutdown timeout is the grace plus <see cref="WindUpSeconds"/>, the time cancelled requests get to write
/// their last bytes.
/// </summary>
internal sealed class ShutdownDrain : IDisposable
{
    /// <summary>After the grace, how long cancelled requests may take to end their responses (a few writes; 5 s is ample).</summary>
    public const int WindUpSeconds = 5;

    /// <summary>The <c>code</c> of the error a request gets when shutdown refused or stopped it.</summary>
    public const string Code = "shutting_down";

    private readonly CancellationTokenSource _drain = new();
    private readonly TimeSpan _grace;
    private CancellationTokenRegistration _stopping;

    public ShutdownDrain(TimeSpan grace) => _grace = grace;

    /// <summary>Cancelled when the grace is over.</summary>
    public CancellationToken Drained => _drain.Token;

    /// <summary>True once the host began stopping.</summary>
    public bool Stopping { get; private set; }

    /// <summary>Starts the grace when <paramref name="lifetime"/> begins stopping.</summary>
    public void Attach(IHostApplicationLifetime lifetime)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        _stopping = lifetime.ApplicationStopping.Register(() =>
        {
            Stopping = true;
            if (_grace <= TimeSpan.Zero)
            {
                _drain.Cancel();
            }
            else
            {
                _drain.CancelAfter(_grace);
            }
        });
    }

    /// <summary>True when <paramref name="context"/>'s request was cancelled by the end of the grace (not by its client).</summary>
    public static bool StoppedByShutdown(HttpContext context) =>
        context?.Features.Get<DrainedRequest>() is { } request
        && request.Drain.Drained.IsCancellationRequested && !request.ClientAborted.IsCancellationRequested;

    /// <summary>The message of the in-band error a stream stopped by shutdown ends with.</summary>
    public static string StoppedMessage =>
        "The node is shutting down: this generation was stopped at the end of the shutdown grace period (Server:ShutdownGraceSeconds); the ledger records it as cancelled.";

    /// <summary>The middleware: refuses requests while stopping, links each request's token to the drain.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (Stopping)
        {
            context.Response.Headers.Connection = "close";
            throw new ApiException(503, "server_error", "The node is shutting down; retry on another node or after it restarts.", null, Code);
        }
        var client = context.RequestAborted;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(client, _drain.Token);
        context.RequestAborted = linked.Token;
        context.Features.Set(new DrainedRequest(this, client));
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (StoppedByShutdown(context))
        {
            if (!context.Response.HasStarted)
            {
                throw new ApiException(503, "server_error", StoppedMessage, null, Code);
            }
            // A response already under way that its endpoint did not end itself: let it complete as it stands.
        }
        finally
        {
            context.RequestAborted = client;
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _drain.Dispose();
    }

    /// <summary>The request feature linking a request to the drain that may stop it and to its client's own abort token.</summary>
    private sealed record DrainedRequest(ShutdownDrain Drain, CancellationToken ClientAborted);
}

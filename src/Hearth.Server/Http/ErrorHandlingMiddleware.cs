using Hearth.Contracts;
using Hearth.Server.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hearth.Server.Http;

/// <summary>
/// Outermost middleware: turns exceptions into API-shaped errors, ends quietly when the client has gone (its request token
/// cancelled, so generation already stopped), and counts requests and latency per route for <c>/metrics</c>.
/// </summary>
/// <remarks>
/// A client that disconnects before its response is complete (typically mid-stream) is a normal event, not an error: it is
/// logged at Debug (event <see cref="ClientDisconnectedEventId"/>, no stack trace) and counted with <c>code="499"</c>
/// (nginx's "client closed request") whether or not the response had started; nothing is written back.
/// </remarks>
internal sealed partial class ErrorHandlingMiddleware(RequestDelegate next, Observability.HearthMetrics metrics, ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var clientGone = false;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (context.RequestAborted.IsCancellationRequested)
        {
            // Whatever surfaced (the cancellation itself, a write to the closed connection, an upstream call torn down by the
            // request token) is the consequence of the client leaving; there is nobody left to answer.
            clientGone = true;
            LogClientDisconnected(logger, context.Request.Path, e.GetType().Name);
        }
        catch (Exception e) when (ErrorMapping.TryMap(e) is { } api)
        {
            await ErrorResponses.WriteAsync(context, api).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            await ErrorResponses.WriteAsync(context, new ApiException(e.StatusCode, "invalid_request_error", e.Message, null,
                e.StatusCode == 413 ? "request_too_large" : "bad_request", e)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogUnhandled(logger, context.Request.Path, e);
            // An argument exception's text without the " (Parameter 'x')" suffix: the client never saw that C# parameter.
            var text = e is ArgumentException argument ? ArgumentMessages.Text(argument) : e.Message;
            await ErrorResponses.WriteAsync(context, new ApiException(500, "server_error",
                $"Internal error ({e.GetType().Name}): {text}", null, "internal_error", e)).ConfigureAwait(false);
        }
        finally
        {
            var route = (context.GetEndpoint() as Microsoft.AspNetCore.Routing.RouteEndpoint)?.RoutePattern.RawText ?? "other";
            if (!clientGone && context.RequestAborted.IsCancellationRequested)
            {
                // A handler that noticed the disconnect and returned normally: the same event, without an exception.
                clientGone = true;
                LogClientDisconnected(logger, context.Request.Path, "no exception");
            }
            metrics.Requests.Add(1, route, clientGone ? ClientClosedRequestCode : StatusText(context.Response.StatusCode));
            metrics.RequestDuration.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, route);
        }
    }

    /// <summary>The <c>code</c> label of requests whose client disconnected first (nginx's 499 "client closed request").</summary>
    internal const string ClientClosedRequestCode = "499";

    /// <summary>Stable id of the Debug entry written when a client disconnects before its response is complete.</summary>
    internal const int ClientDisconnectedEventId = 1001;

    private static readonly string[] s_codes = [.. Enumerable.Range(0, 600).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private static string StatusText(int code) => code is >= 0 and < 600 ? s_codes[code] : code.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = ClientDisconnectedEventId, EventName = "ClientDisconnected", Level = LogLevel.Debug,
        Message = "Client disconnected before the response to {Path} was complete ({ExceptionType}); generation stopped")]
    private static partial void LogClientDisconnected(ILogger logger, string path, string exceptionType);
}

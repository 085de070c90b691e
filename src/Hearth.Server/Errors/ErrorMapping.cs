using Hearth.Contracts;
using Hearth.Server.Backends.Upstream;

namespace Hearth.Server.Errors;

/// <summary>
/// The one place where failures raised below the edge become HTTP errors: a library's <see cref="HearthRequestException"/>
/// (engine, ledger, router, backends) gets its status and OpenAI error type from its <see cref="RequestErrorKind"/>; the edge's
/// own <see cref="ApiException"/> passes through. Anything else is not a request error (the caller reports it as a 500).
/// </summary>
internal static class ErrorMapping
{
    /// <summary>The API error for <paramref name="error"/>, or null when it is not a request error.</summary>
    public static ApiException? TryMap(Exception error) => error switch
    {
        ApiException api => api,
        HearthRequestException request => FromRequest(request),
        _ => null,
    };

    /// <summary>HTTP status and OpenAI error type of each kind.</summary>
    public static (int Status, string Type) StatusOf(RequestErrorKind kind) => kind switch
    {
        RequestErrorKind.InvalidRequest => (400, "invalid_request_error"),
        RequestErrorKind.NotFound => (404, "invalid_request_error"),
        RequestErrorKind.Unprocessable => (422, "invalid_request_error"),
        RequestErrorKind.Forbidden => (403, "permission_error"),
        RequestErrorKind.Refused => (403, "invalid_request_error"),
        RequestErrorKind.QuotaExceeded => (429, "insufficient_quota"),
        RequestErrorKind.RateLimited => (429, "rate_limit_error"),
        RequestErrorKind.NotImplemented => (501, "server_error"),
        RequestErrorKind.BadGateway => (502, "upstream_error"),
        RequestErrorKind.Unavailable => (503, "server_error"),
        RequestErrorKind.Timeout => (504, "timeout_error"),
        RequestErrorKind.InsufficientStorage => (507, "server_error"),
        RequestErrorKind.ContentTooLarge => (413, "invalid_request_error"),
        _ => (500, "server_error"),
    };

    private static ApiException FromRequest(HearthRequestException e)
    {
        var (status, type) = StatusOf(e.Kind);
        if (e is UpstreamFailureException)
        {
            // An upstream's failure is reported as the upstream's, not the node's: upstream_error (timeout_error when it timed out).
            type = e.Kind == RequestErrorKind.Timeout ? "timeout_error" : "upstream_error";
        }
        return new ApiException(status, type, e.Message, e.Param, e.Code, e)
        {
            RetryAfterSeconds = e.RetryAfter is { } wait ? (int)Math.Max(1, Math.Ceiling(wait.TotalSeconds)) : null,
        };
    }
}

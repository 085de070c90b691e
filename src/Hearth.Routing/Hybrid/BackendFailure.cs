using System.Net.Http;

namespace Hearth.Routing.Hybrid;

/// <summary>
/// Tells an availability failure of a remote backend (nothing was answered: connection refused, a 5xx, a timeout, an open
/// circuit) from every other error. <see cref="HybridRouter"/> fails over to a local backend only for the former; a
/// rejected request, a rate limit, a budget or a residency refusal is the caller's answer and is never hidden.
/// A classifier returns a short description for the routing reason (never the backend's error body, which may echo the
/// request), or null when the exception is not an availability failure.
/// </summary>
public static class BackendFailure
{
    /// <summary>The classifier used when the host gives none: transport failures and timeouts only.</summary>
    public static string? Default(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } when (int)status >= 500 => $"HTTP {(int)status}",
        HttpRequestException { StatusCode: null } => "connection failed",
        TimeoutException => "timed out",
        _ => null,
    };
}

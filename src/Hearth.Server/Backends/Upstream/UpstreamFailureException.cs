using Hearth.Contracts;

namespace Hearth.Server.Backends.Upstream;

/// <summary>
/// An upstream failed without a usable answer: refused or lost connection, a 5xx or credentials it refused
/// (<see cref="RequestErrorKind.BadGateway"/>, <c>bad_gateway</c>), an open circuit (<see cref="RequestErrorKind.Unavailable"/>,
/// <c>upstream_unavailable</c>, with a retry delay) or no answer in time (<see cref="RequestErrorKind.Timeout"/>,
/// <c>upstream_timeout</c>). The message names the upstream. The router may fail over on it; an upstream's 4xx rejection is a
/// plain <see cref="HearthRequestException"/> of the matching kind instead, as it is the request's fault.
/// </summary>
public sealed class UpstreamFailureException : HearthRequestException
{
    private UpstreamFailureException(RequestErrorKind kind, string upstream, string message, string code, Exception? inner)
        : base(kind, $"Upstream '{upstream}': {message}", null, code, inner)
    {
        Upstream = upstream;
    }

    /// <summary>The upstream's configured name.</summary>
    public string Upstream { get; }

    public static UpstreamFailureException BadGateway(string upstream, string message, Exception? inner = null) =>
        new(RequestErrorKind.BadGateway, upstream, message, "bad_gateway", inner);

    public static UpstreamFailureException Unavailable(string upstream, string message, TimeSpan retryAfter, Exception? inner = null) =>
        new(RequestErrorKind.Unavailable, upstream, message, "upstream_unavailable", inner) { RetryAfter = retryAfter };

    public static UpstreamFailureException Timeout(string upstream, string message, Exception? inner = null) =>
        new(RequestErrorKind.Timeout, upstream, message, "upstream_timeout", inner);
}

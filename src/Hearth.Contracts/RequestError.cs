namespace Hearth.Contracts;

/// <summary>What kind of failure a <see cref="HearthRequestException"/> is; the edge maps each kind to an HTTP status and an error type.</summary>
public enum RequestErrorKind
{
    /// <summary>The request is malformed or names an invalid value (400).</summary>
    InvalidRequest,

    /// <summary>Something the request names does not exist (404).</summary>
    NotFound,

    /// <summary>The request is well formed but cannot be served as asked (422), e.g. a model file the engine cannot run.</summary>
    Unprocessable,

    /// <summary>The caller may not do this (403, <c>permission_error</c>).</summary>
    Forbidden,

    /// <summary>The request may not be served as asked, whoever sends it (403, <c>invalid_request_error</c>), e.g. residency.</summary>
    Refused,

    /// <summary>A quota or budget is exhausted (429, <c>insufficient_quota</c>).</summary>
    QuotaExceeded,

    /// <summary>Too many requests now; retry later (429, <c>rate_limit_error</c>).</summary>
    RateLimited,

    /// <summary>The node cannot serve this kind of request at all (501).</summary>
    NotImplemented,

    /// <summary>A backend behind the node failed or answered badly (502).</summary>
    BadGateway,

    /// <summary>The node or a backend is temporarily unable to serve (503).</summary>
    Unavailable,

    /// <summary>A backend did not answer in time (504).</summary>
    Timeout,

    /// <summary>Not enough memory or disk to serve (507).</summary>
    InsufficientStorage,

    /// <summary>The request is larger than a backend accepts (413).</summary>
    ContentTooLarge,
}

/// <summary>
/// A request failure raised by a library (engine, ledger, router, backends) in terms the edge can map to any API: the kind,
/// the request field at fault and a stable machine-readable code. Libraries throw this (or a subclass) and never know HTTP;
/// the server maps it in one place to a status and an OpenAI or Ollama error body.
/// </summary>
public class HearthRequestException : Exception
{
    public HearthRequestException()
    {
    }

    public HearthRequestException(string message) : base(message)
    {
    }

    public HearthRequestException(string message, Exception? inner) : base(message, inner)
    {
    }

    public HearthRequestException(RequestErrorKind kind, string message, string? param = null, string? code = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Param = param;
        Code = code;
    }

    public RequestErrorKind Kind { get; }

    /// <summary>The request field at fault (e.g. <c>messages</c>, <c>model</c>, <c>tool_choice</c>), when one is.</summary>
    public string? Param { get; }

    /// <summary>A stable code (e.g. <c>context_length_exceeded</c>, <c>budget_exceeded</c>, <c>queue_full</c>).</summary>
    public string? Code { get; }

    /// <summary>How long the client should wait before retrying, when known.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// True when the request was refused before any work was done (a full queue, an exhausted budget): the ledger records no
    /// entry for it, as nothing was spent.
    /// </summary>
    public bool RefusedBeforeWork { get; init; }

    /// <summary>A 400 naming the field at fault.</summary>
    public static HearthRequestException InvalidParameter(string param, string message, Exception? inner = null) =>
        new(RequestErrorKind.InvalidRequest, message, param, "invalid_parameter", inner);
}

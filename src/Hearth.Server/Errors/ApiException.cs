namespace Hearth.Server.Errors;

/// <summary>
/// A request failure with its HTTP status and OpenAI error fields. Thrown anywhere under an endpoint; the edge writes it in
/// the calling API's own shape (OpenAI <c>{"error":{...}}</c> or Ollama <c>{"error":"..."}</c>).
/// </summary>
public class ApiException : Exception
{
    public ApiException(int statusCode, string type, string message, string? param = null, string? code = null, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        Type = type;
        Param = param;
        Code = code;
    }

    public int StatusCode { get; }
    public string Type { get; }
    public string? Param { get; }
    public string? Code { get; }

    /// <summary>Seconds the client should wait before retrying (sent as <c>Retry-After</c>), when known.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ApiException InvalidParameter(string param, string message) =>
        new(400, "invalid_request_error", message, param, "invalid_parameter");

    public static ApiException ModelNotFound(string model, IEnumerable<string> available)
    {
        var list = string.Join(", ", available);
        return new ApiException(404, "invalid_request_error",
            $"The model '{model}' does not exist. Available models: {(list.Length == 0 ? "(none)" : list)}.",
            "model", "model_not_found");
    }
}

/// <summary>The prompt does not fit the model's context window (400, <c>context_length_exceeded</c>).</summary>
public sealed class ContextLengthExceededApiException(int promptTokens, int contextTokens, Exception? inner = null)
    : ApiException(400, "invalid_request_error",
        $"This model's maximum context length is {contextTokens} tokens, but the request needs {promptTokens} tokens. Shorten the messages or lower max_tokens.",
        "messages", "context_length_exceeded", inner)
{
    public int PromptTokens { get; } = promptTokens;
    public int ContextTokens { get; } = contextTokens;
}

/// <summary>The model's request queue is full (429 with <c>Retry-After</c>). Refused before any work: no ledger entry.</summary>
public sealed class QueueFullException : ApiException, Hearth.Ledger.Chat.IRequestRefusal
{
    public QueueFullException(string model, int queueCapacity, int retryAfterSeconds)
        : base(429, "rate_limit_error",
            $"The queue for model '{model}' is full ({queueCapacity} waiting). Retry after {retryAfterSeconds} s.", null, "queue_full")
    {
        RetryAfterSeconds = retryAfterSeconds;
    }
}

/// <summary>An upstream backend failed: 502 (bad gateway / refused), 503 (circuit open / unavailable), 504 (timeout).</summary>
public sealed class UpstreamException(int statusCode, string upstream, string message, Exception? inner = null)
    : ApiException(statusCode, statusCode == 504 ? "timeout_error" : "upstream_error", $"Upstream '{upstream}': {message}", null,
        statusCode switch { 503 => "upstream_unavailable", 504 => "upstream_timeout", _ => "bad_gateway" }, inner)
{
    public string Upstream { get; } = upstream;
}

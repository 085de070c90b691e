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

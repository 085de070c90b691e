using System.Text.Json;

namespace Hearth.Server.Errors;

/// <summary>Turns a <see cref="JsonException"/> from request parsing into a 400 that names the offending parameter.</summary>
internal static class JsonErrors
{
    public static ApiException ToApiException(JsonException e)
    {
        var param = ParamFromPath(e.Path);
        var detail = e.InnerException?.Message ?? e.Message;
        // System.Text.Json messages carry the path and positions; keep them, they tell the client where to look.
        var message = param is null
            ? $"The request body is not valid JSON: {detail}"
            : $"Invalid value for '{param}': {detail}";
        return new ApiException(400, "invalid_request_error", message, param, param is null ? "invalid_json" : "invalid_parameter", e);
    }

    /// <summary><c>$.messages[0].role</c> → <c>messages[0].role</c>; <c>$</c> or empty → null.</summary>
    internal static string? ParamFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}

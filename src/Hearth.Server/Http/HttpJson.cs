using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Hearth.Server.Errors;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Http;

/// <summary>Reads request bodies and writes responses with source-generated JSON; parse failures and null array elements become 400s naming the parameter.</summary>
internal static class HttpJson
{
    public static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> info) where T : class
    {
        // The Content-Type is not checked: Ollama accepts any, and curl's -d sends form encoding by default. The body must be JSON.
        try
        {
            var request = await JsonSerializer.DeserializeAsync(context.Request.Body, info, context.RequestAborted).ConfigureAwait(false)
                ?? throw new ApiException(400, "invalid_request_error", "The request body must be a JSON object, not null.", null, "invalid_json");
            if (NullElements.FindFirst(request, info) is { } path)
            {
                throw ApiException.InvalidParameter(path, $"'{path}' is null; array elements must not be null.");
            }
            return request;
        }
        catch (JsonException e)
        {
            throw JsonErrors.ToApiException(e);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new ApiException(413, "invalid_request_error", "The request body is larger than this node accepts (Server:MaxRequestBodyBytes).", null, "request_too_large", e);
        }
    }

    public static async Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> info, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        using (var writer = new Utf8JsonWriter(context.Response.BodyWriter, JsonOutput.WriterOptions))
        {
            JsonSerializer.Serialize(writer, value, info);
        }
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}

using System.Text.Json;
using Hearth.Server.Errors;
using Hearth.Server.OpenAi.Wire;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Http;

/// <summary>Writes an <see cref="ApiException"/> in the shape of the API that was called (OpenAI under <c>/v1</c>, Ollama under <c>/api</c>).</summary>
internal static class ErrorResponses
{
    /// <summary>True under <c>/api</c> in any letter case, as routing matches paths case-insensitively.</summary>
    public static bool IsOllamaPath(PathString path) => path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    public static async Task WriteAsync(HttpContext context, ApiException error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }
        context.Response.Clear();
        context.Response.StatusCode = error.StatusCode;
        if (error.RetryAfterSeconds is { } retry)
        {
            context.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (error.StatusCode == 401)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }
        context.Response.ContentType = "application/json";
        if (IsOllamaPath(context.Request.Path))
        {
            using var writer = new Utf8JsonWriter(context.Response.BodyWriter, JsonOutput.WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("error", error.Message);
            writer.WriteEndObject();
        }
        else
        {
            using var writer = new Utf8JsonWriter(context.Response.BodyWriter, JsonOutput.WriterOptions);
            JsonSerializer.Serialize(writer, ToWire(error), OpenAiJsonContext.Default.ErrorEnvelopeWire);
        }
        await context.Response.BodyWriter.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public static ErrorEnvelopeWire ToWire(ApiException error) =>
        new() { Error = new ErrorWire { Message = error.Message, Type = error.Type, Param = error.Param, Code = error.Code } };
}

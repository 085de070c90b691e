using System.Runtime.InteropServices;
using System.Text.Json;
using Hearth.Server.Errors;
using Hearth.Server.Http;
using Hearth.Server.OpenAi.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Hearth.Server.OpenAi;

internal sealed partial class OpenAiEndpoints
{
    /// <summary>Upper bound on inputs per embeddings request (OpenAI allows 2,048).</summary>
    private const int MaxEmbeddingInputs = 2048;

    private async Task EmbeddingsAsync(HttpContext context)
    {
        var request = await HttpJson.ReadAsync(context, OpenAiJsonContext.Default.EmbeddingRequest).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(request.Model)) { throw ApiException.InvalidParameter("model", "'model' is required."); }
        if (request.Input is not { Count: > 0 and <= MaxEmbeddingInputs })
        {
            throw ApiException.InvalidParameter("input", $"'input' must be a string or an array of 1..{MaxEmbeddingInputs} strings.");
        }
        if (request.Dimensions is <= 0)
        {
            throw ApiException.InvalidParameter("dimensions", $"'dimensions' is {request.Dimensions}; it must be a positive integer.");
        }
        var base64 = request.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            _ => throw ApiException.InvalidParameter("encoding_format", $"'encoding_format' is '{request.EncodingFormat}'; expected float or base64."),
        };
        var model = Resolve(request.Model);
        var generator = backends.GetEmbeddingGenerator(model);
        var options = new EmbeddingGenerationOptions { ModelId = model.RemoteId ?? model.Id, Dimensions = request.Dimensions, AdditionalProperties = [] };
        Pipeline.RequestFacts.ApplyIdentity(context, options);
        var result = await generator.GenerateAsync(request.Input, options, context.RequestAborted).ConfigureAwait(false);
        StreamWriters.CopyHearthHeaders(context.Response, HearthHeaders.Of(result));
        context.Response.ContentType = "application/json";
        using (var w = new Utf8JsonWriter(context.Response.BodyWriter, JsonOutput.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            for (var i = 0; i < result.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("object", "embedding");
                w.WriteNumber("index", i);
                var vector = result[i].Vector.Span;
                if (base64)
                {
                    w.WriteBase64String("embedding", MemoryMarshal.AsBytes(vector));
                }
                else
                {
                    w.WriteStartArray("embedding");
                    foreach (var v in vector) { w.WriteNumberValue(v); }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("model", model.Id);
            var tokens = result.Usage?.InputTokenCount ?? 0;
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", tokens);
            w.WriteNumber("total_tokens", result.Usage?.TotalTokenCount ?? tokens);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}

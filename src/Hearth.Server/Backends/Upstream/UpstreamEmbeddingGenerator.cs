using System.Net.Http.Headers;
using System.Text.Json;
using Hearth.Contracts;
using Hearth.Server.OpenAi.Wire;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Backends.Upstream;

/// <summary>Embeddings from an OpenAI-compatible upstream's <c>/embeddings</c>; <c>options.ModelId</c> is the upstream's model id.</summary>
public sealed class UpstreamEmbeddingGenerator(UpstreamConnection connection) : IEmbeddingGenerator<string, Embedding<float>>
{
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var request = new EmbeddingRequest { Model = options?.ModelId, Input = [.. values], Dimensions = options?.Dimensions };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(request, OpenAiJsonContext.Default.EmbeddingRequest);
        using var response = await connection.SendAsync(UpstreamPaths.Embeddings, () =>
        {
            var c = new ByteArrayContent(bytes);
            c.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return c;
        }, cancellationToken).ConfigureAwait(false);
        EmbeddingResponse wire;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            wire = await JsonSerializer.DeserializeAsync(stream, OpenAiJsonContext.Default.EmbeddingResponse, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            throw UpstreamFailureException.BadGateway(connection.Name, $"answered with a body that is not an embeddings response: {e.Message}", e);
        }
        var result = new GeneratedEmbeddings<Embedding<float>>(wire.Data.OrderBy(d => d.Index).Select(d => new Embedding<float>(d.Embedding) { ModelId = wire.Model }))
        {
            Usage = new UsageDetails { InputTokenCount = wire.Usage.PromptTokens, TotalTokenCount = wire.Usage.TotalTokens },
        };
        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

using Hearth.Inference.Engine;
using Hearth.Server.Errors;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Backends.Local.Engine;

/// <summary>
/// Embeddings from a local model: the final hidden states (after the output norm) mean-pooled over all tokens and L2-normalised
/// (<see cref="EmbeddingPooling.Mean"/>). One input at a time, each in a fresh KV cache.
/// </summary>
internal sealed class EngineEmbeddingGenerator(LoadedModel model) : IEmbeddingGenerator<string, Embedding<float>>
{
    public const EmbeddingPooling Pooling = EmbeddingPooling.Mean;

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        if (options?.Dimensions is { } d && d != model.Info.EmbeddingLength)
        {
            throw ApiException.InvalidParameter("dimensions", $"'dimensions' is {d}; model '{model.Info.Id}' embeds into exactly {model.Info.EmbeddingLength}.");
        }
        var result = new GeneratedEmbeddings<Embedding<float>>();
        long tokens = 0;
        foreach (var text in values)
        {
            float[] vector;
            try
            {
                vector = await model.EmbedAsync(text, Pooling, cancellationToken).ConfigureAwait(false);
            }
            catch (ContextOverflowException e)
            {
                throw new ContextLengthExceededApiException(e.PromptTokens, e.ContextTokens, e);
            }
            tokens += model.CountTokens(text);
            result.Add(new Embedding<float>(vector) { ModelId = model.Info.Id });
        }
        result.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

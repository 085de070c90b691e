using System.Globalization;
using System.Text;
using Hearth.Contracts;
using Hearth.Inference.Models;
using Microsoft.Extensions.AI;

namespace Hearth.Inference.Engine;

/// <summary>
/// Embeddings from a local model: the final hidden states (after the output norm) mean-pooled over all tokens and L2-normalised
/// (<see cref="EmbeddingPooling.Mean"/>). One input at a time, each in a fresh KV cache.
/// </summary>
/// <remarks>
/// Work cap: every input must fit the context window, and the request as a whole may embed at most
/// <c>maxTokensPerRequest</c> tokens (<c>Local:MaxEmbeddingTokensPerRequest</c>). Both are checked before any compute —
/// first on byte lengths (no tokenization), then while tokenizing, which stops at the first input past the cap — so an
/// oversized request costs at most the cap's worth of tokenization and holds no sequence slot for compute.
/// </remarks>
public sealed class LocalEmbeddingGenerator(LoadedModel model, int maxTokensPerRequest) : IEmbeddingGenerator<string, Embedding<float>>
{
    public const EmbeddingPooling Pooling = EmbeddingPooling.Mean;

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        if (options?.Dimensions is { } d && d != model.Info.EmbeddingLength)
        {
            throw HearthRequestException.InvalidParameter("dimensions", $"'dimensions' is {d}; model '{model.Info.Id}' embeds into exactly {model.Info.EmbeddingLength}.");
        }
        var inputs = values as IReadOnlyList<string> ?? [.. values];
        var tokenized = Tokenize(inputs);
        var result = new GeneratedEmbeddings<Embedding<float>>();
        long tokens = 0;
        var addsBos = model.Tokenizer.AddBosByDefault && model.Tokenizer.BosTokenId >= 0;
        foreach (var input in tokenized)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var vector = await model.EmbedAsync(input, Pooling, cancellationToken).ConfigureAwait(false);
            tokens += input.Length - (addsBos && input[0] == model.Tokenizer.BosTokenId ? 1 : 0);   // usage counts the text's tokens, as before
            result.Add(new Embedding<float>(vector) { ModelId = model.Info.Id });
        }
        result.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        return result;
    }

    /// <summary>All inputs as tokens, or an invalid-request error naming the input or the cap that is exceeded.</summary>
    private List<int[]> Tokenize(IReadOnlyList<string> inputs)
    {
        // Bytes first: a request whose texts cannot encode to fewer tokens than the cap is refused without tokenizing anything.
        long bytes = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var inputBytes = Encoding.UTF8.GetByteCount(inputs[i]);
            try
            {
                model.EnsurePromptBytesFit(inputBytes);
            }
            catch (ContextOverflowException e)
            {
                throw InputTooLong(i, e);
            }
            bytes += inputBytes;
        }
        if (model.MinTokensFor(bytes) > maxTokensPerRequest)
        {
            throw CapExceeded($"at least {model.MinTokensFor(bytes):N0} tokens ({bytes:N0} bytes of input)");
        }
        var tokenized = new List<int[]>(inputs.Count);
        long total = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            int[] tokens;
            try
            {
                tokens = model.TokenizeForEmbedding(inputs[i]);
            }
            catch (ContextOverflowException e)
            {
                throw InputTooLong(i, e);
            }
            total += tokens.Length;
            if (total > maxTokensPerRequest)
            {
                throw CapExceeded($"{total:N0} tokens in its first {i + 1} inputs");
            }
            tokenized.Add(tokens);
        }
        return tokenized;
    }

    private HearthRequestException InputTooLong(int index, ContextOverflowException e)
    {
        var what = e.IsLowerBound ? $"at least {e.PromptTokens:N0}" : e.PromptTokens.ToString("N0", CultureInfo.InvariantCulture);
        return new HearthRequestException(RequestErrorKind.InvalidRequest,
            $"Input {index} has {what} tokens; model '{model.Info.Id}' embeds at most {e.ContextTokens:N0} tokens per input (its context window). Split or shorten it.",
            "input", "context_length_exceeded", e);
    }

    private HearthRequestException CapExceeded(string what) => new(RequestErrorKind.InvalidRequest,
        $"This embeddings request has {what}; one request may embed at most {maxTokensPerRequest:N0} tokens (Local:MaxEmbeddingTokensPerRequest). Send the inputs in smaller batches.",
        "input", "embedding_tokens_exceeded");

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

using System.Numerics.Tensors;
using System.Text;
using Hearth.Inference.Models;

namespace Hearth.Inference.Engine;

public sealed partial class LoadedModel
{
    /// <summary>
    /// An embedding of <paramref name="text"/>: the text is tokenized (BOS added if the model wants one), run through the model
    /// in a fresh KV cache, and the final hidden states — after the output RMSNorm, before the classifier — are pooled
    /// (<see cref="EmbeddingPooling.Mean"/> over all tokens, or the last token) and L2-normalised. Throws
    /// <see cref="ContextOverflowException"/> if the text does not fit the context window.
    /// </summary>
    public Task<float[]> EmbedAsync(string text, EmbeddingPooling pooling, CancellationToken cancellationToken) =>
        EmbedAsync(TokenizeForEmbedding(text), pooling, cancellationToken);

    /// <summary>
    /// The tokens <see cref="EmbedAsync(string, EmbeddingPooling, CancellationToken)"/> embeds for <paramref name="text"/> (BOS if the
    /// model wants one; BOS alone for an empty text). Throws <see cref="ContextOverflowException"/> when the text cannot fit the
    /// context window — on its byte length before tokenizing when it is far too long.
    /// </summary>
    public int[] TokenizeForEmbedding(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        EnsurePromptFits([text], parseSpecialTokens: false);
        var tokens = Tokenizer.Encode(text, addBos: Tokenizer.AddBosByDefault && Tokenizer.BosTokenId >= 0);
        if (tokens.Length == 0)
        {
            tokens = Tokenizer.BosTokenId >= 0 ? [Tokenizer.BosTokenId] : throw new ArgumentException("The text has no tokens and the model has no BOS token.", nameof(text));
        }
        if (tokens.Length > Info.ContextLength)
        {
            throw new ContextOverflowException(tokens.Length, Info.ContextLength);
        }
        return tokens;
    }

    /// <summary>An embedding of already tokenized text (from <see cref="TokenizeForEmbedding"/>).</summary>
    public async Task<float[]> EmbedAsync(int[] tokens, EmbeddingPooling pooling, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Length == 0)
        {
            throw new ArgumentException("No tokens to embed.", nameof(tokens));
        }
        if (tokens.Length > Info.ContextLength)
        {
            throw new ContextOverflowException(tokens.Length, Info.ContextLength);
        }
        var dim = Hyperparameters.EmbeddingLength;
        var hidden = new float[tokens.Length * dim];
        await _sequenceSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var sequence = _scheduler.Join(CreateCache(tokens.Length));
            await sequence.StepAsync(tokens, null, hidden, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sequenceSlots.Release();
        }

        var embedding = new float[dim];
        if (pooling == EmbeddingPooling.LastToken)
        {
            hidden.AsSpan((tokens.Length - 1) * dim, dim).CopyTo(embedding);
        }
        else
        {
            for (var t = 0; t < tokens.Length; t++)
            {
                TensorPrimitives.Add(embedding, hidden.AsSpan(t * dim, dim), embedding);
            }
            TensorPrimitives.Divide(embedding, tokens.Length, embedding);
        }
        var norm = TensorPrimitives.Norm(embedding);
        if (norm > 0f)
        {
            TensorPrimitives.Divide(embedding, norm, embedding);
        }
        return embedding;
    }
}

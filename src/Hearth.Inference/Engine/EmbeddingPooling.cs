namespace Hearth.Inference.Engine;

/// <summary>How per-token hidden states become one embedding vector.</summary>
public enum EmbeddingPooling
{
    /// <summary>Mean of the final (output-normalised) hidden states over all input tokens, then L2-normalised.</summary>
    Mean,

    /// <summary>The final (output-normalised) hidden state of the last input token, then L2-normalised.</summary>
    LastToken,
}

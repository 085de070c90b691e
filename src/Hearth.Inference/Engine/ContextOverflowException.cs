namespace Hearth.Inference.Engine;

/// <summary>The prompt does not fit the context window; Hearth never truncates a prompt silently.</summary>
public sealed class ContextOverflowException : Exception
{
    public ContextOverflowException(int promptTokens, int contextTokens)
        : base($"The prompt has {promptTokens} tokens but the context window holds {contextTokens}. Shorten the prompt or load the model with a larger context.")
    {
        PromptTokens = promptTokens;
        ContextTokens = contextTokens;
    }

    public ContextOverflowException()
        : this(0, 0)
    {
    }

    public ContextOverflowException(string message)
        : base(message)
    {
    }

    public ContextOverflowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Tokens in the prompt.</summary>
    public int PromptTokens { get; }

    /// <summary>Tokens the context window holds.</summary>
    public int ContextTokens { get; }
}

namespace Hearth.Inference.Models;

/// <summary>The prompt does not fit the context window; Hearth never truncates a prompt silently.</summary>
public sealed class ContextOverflowException : Exception
{
    public ContextOverflowException(int promptTokens, int contextTokens)
        : base($"The prompt has {promptTokens} tokens but the context window holds {contextTokens}. Shorten the prompt or load the model with a larger context.")
    {
        PromptTokens = promptTokens;
        ContextTokens = contextTokens;
    }

    /// <summary>
    /// The prompt is too long before it was tokenized: <paramref name="atLeastTokens"/> is a lower bound from its byte length
    /// (<see cref="LoadedModel.EnsurePromptBytesFit"/>).
    /// </summary>
    public ContextOverflowException(int atLeastTokens, int contextTokens, long promptBytes)
        : base($"The prompt is {promptBytes} bytes, at least {atLeastTokens} tokens, but the context window holds {contextTokens}. Shorten the prompt or load the model with a larger context.")
    {
        PromptTokens = atLeastTokens;
        ContextTokens = contextTokens;
        PromptBytes = promptBytes;
        IsLowerBound = true;
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

    /// <summary>Tokens in the prompt (a lower bound when <see cref="IsLowerBound"/>).</summary>
    public int PromptTokens { get; }

    /// <summary>True when the prompt was refused on its byte length, before tokenizing; <see cref="PromptTokens"/> is then a lower bound.</summary>
    public bool IsLowerBound { get; }

    /// <summary>The prompt's UTF-8 bytes when <see cref="IsLowerBound"/>, else 0.</summary>
    public long PromptBytes { get; }

    /// <summary>Tokens the context window holds.</summary>
    public int ContextTokens { get; }
}

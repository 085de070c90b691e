namespace Hearth.Inference.Tokenizers;

/// <summary>The vocabulary asks for a tokenizer model or pre-tokenizer Hearth does not implement.</summary>
public sealed class NotSupportedTokenizerException : Exception
{
    public NotSupportedTokenizerException()
    {
    }

    public NotSupportedTokenizerException(string message)
        : base(message)
    {
    }

    public NotSupportedTokenizerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an unknown <paramref name="field"/> value, listing what is supported.</summary>
    public NotSupportedTokenizerException(string field, string value, IEnumerable<string> supported)
        : base($"Unsupported {field} '{value}'. Supported: {string.Join(", ", supported)}.")
    {
        Field = field;
        Value = value;
    }

    /// <summary>The metadata field holding the unsupported value (e.g. <c>tokenizer.ggml.pre</c>).</summary>
    public string? Field { get; }

    /// <summary>The unsupported value.</summary>
    public string? Value { get; }
}

/// <summary>A vocabulary or tokenizer file is malformed (missing arrays, mismatched lengths, bad ids, bad JSON).</summary>
public sealed class TokenizerFormatException : Exception
{
    public TokenizerFormatException()
    {
    }

    public TokenizerFormatException(string message)
        : base(message)
    {
    }

    public TokenizerFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the source file and field.</summary>
    public TokenizerFormatException(string? source, string field, string reason, Exception? innerException = null)
        : base($"{source ?? "vocabulary"}: {field}: {reason}", innerException)
    {
        Origin = source;
        Field = field;
    }

    /// <summary>The file (or description) the vocabulary came from.</summary>
    public string? Origin { get; }

    /// <summary>The field that is wrong.</summary>
    public string? Field { get; }
}

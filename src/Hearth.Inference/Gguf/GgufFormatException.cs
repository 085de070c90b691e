namespace Hearth.Inference.Gguf;

/// <summary>
/// A GGUF file is malformed, truncated or hostile. Names the file, the field (for example <c>tensor[3].dims[1]</c> or
/// <c>metadata["tokenizer.ggml.tokens"][812]</c>) and the absolute byte offset where the problem was found.
/// </summary>
public class GgufFormatException : Exception
{
    public GgufFormatException()
        : this(null, "(file)", 0, "Malformed GGUF file.")
    {
    }

    public GgufFormatException(string message)
        : this(null, "(file)", 0, message)
    {
    }

    public GgufFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "(file)";
        Reason = message;
    }

    public GgufFormatException(string? filePath, string field, long offset, string reason, Exception? innerException = null)
        : base(Format(filePath, field, offset, reason), innerException)
    {
        FilePath = filePath;
        Field = field;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>The file being read, or null when parsing from memory.</summary>
    public string? FilePath { get; }

    /// <summary>The field that is wrong, e.g. <c>header.version</c>, <c>tensor[3].dims[1]</c>.</summary>
    public string Field { get; }

    /// <summary>Absolute byte offset in the file where the field starts (or where reading failed).</summary>
    public long Offset { get; }

    /// <summary>What is wrong, without the file/field/offset prefix.</summary>
    public string Reason { get; }

    private static string Format(string? filePath, string field, long offset, string reason) =>
        $"{(filePath is null ? "GGUF" : $"GGUF file '{filePath}'")}: {field} at byte {offset}: {reason}";
}

namespace Hearth.Inference.Import;

/// <summary>A llama2.c checkpoint or tokenizer file is malformed: names the file, the field and the byte offset.</summary>
public sealed class Llama2cFormatException : Exception
{
    public Llama2cFormatException()
        : this("(unknown)", "(file)", 0, "Malformed llama2.c file.")
    {
    }

    public Llama2cFormatException(string message)
        : this("(unknown)", "(file)", 0, message)
    {
    }

    public Llama2cFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = "(unknown)";
        Field = "(file)";
    }

    public Llama2cFormatException(string filePath, string field, long offset, string reason, Exception? innerException = null)
        : base($"llama2.c file '{filePath}': {field} at byte {offset}: {reason}", innerException)
    {
        FilePath = filePath;
        Field = field;
        Offset = offset;
    }

    public string FilePath { get; }

    /// <summary>The header field or token, e.g. <c>header.dim</c>, <c>token[12].length</c>.</summary>
    public string Field { get; }

    public long Offset { get; }
}

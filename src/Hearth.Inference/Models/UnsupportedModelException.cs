namespace Hearth.Inference.Models;

/// <summary>A model file Hearth cannot run: unknown architecture, missing tensor, unsupported tensor type or shape.</summary>
public sealed class UnsupportedModelException : Exception
{
    public UnsupportedModelException()
    {
    }

    public UnsupportedModelException(string message)
        : base(message)
    {
    }

    public UnsupportedModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The model file, when known.</summary>
    public string? FilePath { get; init; }
}

namespace Hearth.Inference.Gguf;

/// <summary>
/// The model file changed on disk (truncated, rewritten or replaced) after it was memory-mapped. Reading a truncated
/// mapping would crash the process (SIGBUS), so the engine checks with <see cref="GgufFile.EnsureIntact"/> before compute.
/// </summary>
public sealed class ModelFileChangedException : Exception
{
    public ModelFileChangedException()
        : base("The model file changed on disk after it was opened.")
    {
    }

    public ModelFileChangedException(string message)
        : base(message)
    {
    }

    public ModelFileChangedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ModelFileChangedException(string filePath, string change)
        : base($"Model file '{filePath}' changed on disk since it was opened ({change}). Reload the model.")
    {
        FilePath = filePath;
    }

    /// <summary>The model file.</summary>
    public string? FilePath { get; }
}

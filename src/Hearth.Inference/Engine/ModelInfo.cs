using System.Security.Cryptography;
using Hearth.Inference.Gguf;

namespace Hearth.Inference.Engine;

/// <summary>Facts about a loaded model file.</summary>
public sealed class ModelInfo
{
    private readonly Lazy<string> _sha256;

    internal ModelInfo(string filePath, string architecture, long parameterCount, int contextLength, int trainedContextLength, int embeddingLength, long fileBytes, (string Label, GgmlType Type) quantization)
    {
        FilePath = filePath;
        Id = Path.GetFileNameWithoutExtension(filePath);
        Architecture = architecture;
        ParameterCount = parameterCount;
        ContextLength = contextLength;
        TrainedContextLength = trainedContextLength;
        EmbeddingLength = embeddingLength;
        FileBytes = fileBytes;
        QuantizationType = quantization.Type;
        QuantizationLabel = quantization.Label;
        _sha256 = new Lazy<string>(() =>
        {
            using var stream = File.OpenRead(filePath);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
    }

    /// <summary>The file name without extension.</summary>
    public string Id { get; }

    public string FilePath { get; }

    /// <summary>The GGUF <c>general.architecture</c>, e.g. <c>llama</c>.</summary>
    public string Architecture { get; }

    /// <summary>Elements in all tensors.</summary>
    public long ParameterCount { get; }

    /// <summary>The context window this load uses (tokens).</summary>
    public int ContextLength { get; }

    /// <summary>The context the model was trained for (tokens).</summary>
    public int TrainedContextLength { get; }

    public int EmbeddingLength { get; }

    public long FileBytes { get; }

    /// <summary>
    /// The main weight type the file declares in <c>general.file_type</c> (Q4_K for a Q4_K_M mix); without that key, the tensor
    /// type holding most weight bytes.
    /// </summary>
    public GgmlType QuantizationType { get; }

    /// <summary>The quantization as llama.cpp names it, e.g. <c>Q4_K_M</c>, <c>Q8_0</c> (same sources as <see cref="QuantizationType"/>).</summary>
    public string QuantizationLabel { get; }

    /// <summary>Lower-case hex SHA-256 of the file, computed on first use (reads the whole file).</summary>
    public string FileSha256 => _sha256.Value;
}

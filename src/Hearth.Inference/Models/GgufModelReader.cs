using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.Models;

/// <summary>Shared helpers architectures use to read hyperparameters and tensors, with errors naming the file, key or tensor.</summary>
internal sealed unsafe class GgufModelReader(GgufFile file, string architecture)
{
    public GgufFile File { get; } = file;

    public string Architecture { get; } = architecture;

    public int RequireInt(string key)
    {
        var value = File.GetInteger(key) ?? throw Unsupported($"metadata key '{key}' is missing");
        return value is > 0 and <= int.MaxValue ? (int)value : throw Unsupported($"metadata key '{key}' = {value} is out of range");
    }

    public int OptionalInt(string key, int fallback)
    {
        var value = File.GetInteger(key);
        return value is null ? fallback : value is > 0 and <= int.MaxValue ? (int)value : throw Unsupported($"metadata key '{key}' = {value} is out of range");
    }

    public float OptionalSingle(string key, float fallback) => File.GetSingle(key) ?? fallback;

    /// <summary>The rope scaling named by <c>{arch}.rope.scaling.type</c>; YaRN and unknown kinds are rejected.</summary>
    public RopeScaling ReadRopeScaling()
    {
        var kind = File.GetString(GgufNames.RopeScalingType(Architecture));
        var factor = OptionalSingle(GgufNames.RopeScalingFactor(Architecture), 1f);
        return kind switch
        {
            null or "none" => RopeScaling.None,
            "linear" => new RopeScaling(RopeScalingKind.Linear, factor),
            "llama3" => new RopeScaling(
                RopeScalingKind.Llama3,
                factor,
                OptionalSingle(GgufNames.RopeScalingLowFrequencyFactor(Architecture), 1f),
                OptionalSingle(GgufNames.RopeScalingHighFrequencyFactor(Architecture), 4f),
                OptionalInt(GgufNames.RopeScalingOriginalContextLength(Architecture), 8192)),
            _ => throw Unsupported($"RoPE scaling type '{kind}' (supported: none, linear, llama3)"),
        };
    }

    /// <summary>The vocabulary size: the token embedding's row count.</summary>
    public int VocabularySize()
    {
        var embedding = File.FindTensor(GgufNames.TokenEmbedding) ?? throw Unsupported($"tensor '{GgufNames.TokenEmbedding}' is missing");
        return embedding.Dimensions.Length == 2 && embedding.Dimensions[1] is > 0 and <= int.MaxValue
            ? (int)embedding.Dimensions[1]
            : throw Unsupported($"tensor '{GgufNames.TokenEmbedding}' has shape [{string.Join(", ", embedding.Dimensions)}]");
    }

    /// <summary>A 2-D weight of <paramref name="rows"/> × <paramref name="cols"/> (GGUF dims [cols, rows]) in a supported type.</summary>
    public WeightMatrix Matrix(string name, int rows, int cols)
    {
        var t = File.FindTensor(name) ?? throw Unsupported($"tensor '{name}' is missing");
        if (t.Dimensions.Length != 2 || t.Dimensions[0] != cols || t.Dimensions[1] != rows)
        {
            throw Unsupported($"tensor '{name}' has shape [{string.Join(", ", t.Dimensions)}], expected [{cols}, {rows}]");
        }
        RequireType(t);
        return new WeightMatrix(File.GetTensorPointer(t), t.Type, rows, cols);
    }

    /// <summary>A 1-D tensor of <paramref name="length"/> elements, dequantised to F32.</summary>
    public float[] Vector(string name, int length)
    {
        var t = File.FindTensor(name) ?? throw Unsupported($"tensor '{name}' is missing");
        return VectorOf(t, length);
    }

    public float[]? OptionalVector(string name, int length)
    {
        var t = File.FindTensor(name);
        return t is null ? null : VectorOf(t, length);
    }

    public bool Has(string name) => File.FindTensor(name) is not null;

    public UnsupportedModelException Unsupported(string what) =>
        new($"Unsupported {Architecture} model '{File.FilePath}': {what}.") { FilePath = File.FilePath };

    private float[] VectorOf(GgufTensorInfo t, int length)
    {
        if (t.Dimensions.Length != 1 || t.Dimensions[0] != length)
        {
            throw Unsupported($"tensor '{t.Name}' has shape [{string.Join(", ", t.Dimensions)}], expected [{length}]");
        }
        RequireType(t);
        var values = new float[length];
        Quantization.DequantizeRow(t.Type, File.GetTensorBytes(t), values);
        return values;
    }

    private void RequireType(GgufTensorInfo t)
    {
        if (!GgmlTypeInfo.IsSupported(t.Type))
        {
            throw Unsupported($"tensor '{t.Name}' has type {t.Type}; supported tensor types: {string.Join(", ", GgmlTypeInfo.Supported)}");
        }
    }
}

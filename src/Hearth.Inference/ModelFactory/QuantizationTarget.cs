using Hearth.Inference.Gguf;

namespace Hearth.Inference.ModelFactory;

/// <summary>What a whole model file is quantized to. <see cref="Q4_K_M"/> is a mix (see <see cref="WeightTypePlan"/>).</summary>
public enum QuantizationTarget
{
    Q8_0,
    Q4_0,
    Q4_K_M,
    Q6_K,
}

/// <summary>
/// Chooses the stored type of each tensor for a <see cref="QuantizationTarget"/>, the way llama.cpp's quantizer does in
/// spirit: 1-D tensors (norms, biases) stay F32; 2-D weight matrices take the target type, except that the Q4_K_M mix
/// stores <c>token_embd</c>, <c>output</c>, <c>attn_v</c> and <c>ffn_down</c> in Q6_K. A row length (ne0) that is not a whole
/// number of the chosen type's blocks falls back: K-quants (256) to Q8_0 when ne0 is a multiple of 32, otherwise F16;
/// Q8_0/Q4_0 (32) to F16. Tensors of 3 or 4 dimensions keep their type.
/// </summary>
public static class WeightTypePlan
{
    /// <summary>Names accepted on the command line, e.g. <c>q4_k</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["q8_0", "q4_0", "q4_k", "q6_k"];

    /// <summary>Parses <c>q8_0|q4_0|q4_k|q4_k_m|q6_k</c> (case-insensitive).</summary>
    public static QuantizationTarget Parse(string name) => name.ToLowerInvariant() switch
    {
        "q8_0" => QuantizationTarget.Q8_0,
        "q4_0" => QuantizationTarget.Q4_0,
        "q4_k" or "q4_k_m" => QuantizationTarget.Q4_K_M,
        "q6_k" => QuantizationTarget.Q6_K,
        _ => throw new ArgumentException($"Unknown quantization type '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>The <c>general.file_type</c> value llama.cpp uses for the target.</summary>
    public static GgufFileType FileType(QuantizationTarget target) => target switch
    {
        QuantizationTarget.Q8_0 => GgufFileType.MostlyQ8_0,
        QuantizationTarget.Q4_0 => GgufFileType.MostlyQ4_0,
        QuantizationTarget.Q4_K_M => GgufFileType.MostlyQ4_K_M,
        _ => GgufFileType.MostlyQ6_K,
    };

    /// <summary>The type to store tensor <paramref name="name"/> of <paramref name="dimensions"/> (ggml order) in.</summary>
    public static GgmlType Choose(QuantizationTarget target, string name, IReadOnlyList<long> dimensions, GgmlType sourceType)
    {
        if (dimensions.Count == 1)
        {
            return GgmlType.F32;
        }
        if (dimensions.Count > 2)
        {
            return sourceType;
        }
        var wanted = target switch
        {
            QuantizationTarget.Q8_0 => GgmlType.Q8_0,
            QuantizationTarget.Q4_0 => GgmlType.Q4_0,
            QuantizationTarget.Q6_K => GgmlType.Q6_K,
            _ => IsSensitive(name) ? GgmlType.Q6_K : GgmlType.Q4_K,
        };
        return Fit(wanted, dimensions[0]);
    }

    /// <summary><paramref name="wanted"/> if a row of <paramref name="rowLength"/> is whole blocks of it, else the documented fallback.</summary>
    public static GgmlType Fit(GgmlType wanted, long rowLength)
    {
        if (rowLength % GgmlTypeInfo.BlockSize(wanted) == 0)
        {
            return wanted;
        }
        if (GgmlTypeInfo.BlockSize(wanted) > 32 && rowLength % 32 == 0)
        {
            return GgmlType.Q8_0;
        }
        return GgmlType.F16;
    }

    private static bool IsSensitive(string name) =>
        name is GgufNames.TokenEmbedding or GgufNames.Output
        || GgufNames.IsAttnV(name)
        || GgufNames.IsFfnDown(name);
}

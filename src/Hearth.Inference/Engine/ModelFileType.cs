using Hearth.Inference.Gguf;

namespace Hearth.Inference.Engine;

/// <summary>
/// Reads a model's quantization from <c>general.file_type</c> (llama.cpp's <c>llama_ftype</c>): a mix such as Q4_K_M
/// keeps some tensors in Q6_K, so the declared type is more truthful than counting bytes. Files without the key (or with an
/// unknown value) fall back to the tensor type holding most 2-D weight bytes.
/// </summary>
internal static class ModelFileType
{
    /// <summary>The declared file type as (label, main tensor type), or null when the value is not a known <c>llama_ftype</c>.</summary>
    public static (string Label, GgmlType Type)? FromFileTypeValue(long value) => value is < 0 or > int.MaxValue ? null : (GgufFileType)value switch
    {
        GgufFileType.AllF32 => ("F32", GgmlType.F32),
        GgufFileType.MostlyF16 => ("F16", GgmlType.F16),
        GgufFileType.MostlyQ4_0 => ("Q4_0", GgmlType.Q4_0),
        GgufFileType.MostlyQ4_1 => ("Q4_1", GgmlType.Q4_1),
        GgufFileType.MostlyQ8_0 => ("Q8_0", GgmlType.Q8_0),
        GgufFileType.MostlyQ5_0 => ("Q5_0", GgmlType.Q5_0),
        GgufFileType.MostlyQ5_1 => ("Q5_1", GgmlType.Q5_1),
        GgufFileType.MostlyQ2_K => ("Q2_K", GgmlType.Q2_K),
        GgufFileType.MostlyQ3_K_S => ("Q3_K_S", GgmlType.Q3_K),
        GgufFileType.MostlyQ3_K_M => ("Q3_K_M", GgmlType.Q3_K),
        GgufFileType.MostlyQ3_K_L => ("Q3_K_L", GgmlType.Q3_K),
        GgufFileType.MostlyQ4_K_S => ("Q4_K_S", GgmlType.Q4_K),
        GgufFileType.MostlyQ4_K_M => ("Q4_K_M", GgmlType.Q4_K),
        GgufFileType.MostlyQ5_K_S => ("Q5_K_S", GgmlType.Q5_K),
        GgufFileType.MostlyQ5_K_M => ("Q5_K_M", GgmlType.Q5_K),
        GgufFileType.MostlyQ6_K => ("Q6_K", GgmlType.Q6_K),
        GgufFileType.MostlyBF16 => ("BF16", GgmlType.BF16),
        _ => null,
    };

    /// <summary>The file's quantization label and main tensor type: from <c>general.file_type</c>, else the dominant tensor type.</summary>
    public static (string Label, GgmlType Type) Read(GgufFile file)
    {
        long? declared;
        try
        {
            declared = file.GetInteger(GgufNames.FileType);
        }
        catch (GgufFormatException)
        {
            declared = null;   // a wrongly typed key is not worth refusing the model over; count bytes instead
        }
        if (declared is { } value && FromFileTypeValue(value) is { } known)
        {
            return known;
        }
        var dominant = DominantType(file);
        return (dominant.ToString(), dominant);
    }

    /// <summary>The type holding most bytes among tensors with ≥ 2 dimensions (F32 when there are none).</summary>
    public static GgmlType DominantType(GgufFile file) =>
        file.Tensors.Where(t => t.Dimensions.Length >= 2)
            .GroupBy(t => t.Type)
            .OrderByDescending(g => g.Sum(t => t.ByteSize))
            .Select(g => g.Key)
            .DefaultIfEmpty(GgmlType.F32)
            .First();
}

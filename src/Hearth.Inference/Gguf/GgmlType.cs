namespace Hearth.Inference.Gguf;

/// <summary>Tensor element types, with the numeric ids GGUF files store (ggml's <c>ggml_type</c>).</summary>
public enum GgmlType : uint
{
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    IQ2_XXS = 16,
    IQ2_XS = 17,
    IQ3_XXS = 18,
    IQ1_S = 19,
    IQ4_NL = 20,
    IQ3_S = 21,
    IQ2_S = 22,
    IQ4_XS = 23,
    I8 = 24,
    I16 = 25,
    I32 = 26,
    I64 = 27,
    F64 = 28,
    IQ1_M = 29,
    BF16 = 30,
    TQ1_0 = 34,
    TQ2_0 = 35,
}

/// <summary>
/// Block layout of each tensor type (elements and bytes per block), and the one list of the types Hearth computes with:
/// <see cref="Supported"/> (model tensors: load, multiply) and <see cref="RowFormats"/> (those plus the Q8_K activation
/// format, for quantizing and dequantizing rows).
/// </summary>
public static class GgmlTypeInfo
{
    /// <summary>Weight types Hearth can load and multiply (<c>WeightMatrix</c>, <c>MatMul</c>); a model tensor of another type is refused.</summary>
    public static IReadOnlyList<GgmlType> Supported { get; } =
        [GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K];

    /// <summary>Row formats <c>Quantization.QuantizeRow</c>/<c>DequantizeRow</c> convert: <see cref="Supported"/> and Q8_K (activations of K-quant products).</summary>
    public static IReadOnlyList<GgmlType> RowFormats { get; } = [.. Supported, GgmlType.Q8_K];

    public static bool IsSupported(GgmlType type) => Supported.Contains(type);

    public static bool IsRowFormat(GgmlType type) => RowFormats.Contains(type);

    /// <summary>Elements per block (1 for plain float types, 32 for Q4_0/Q8_0, 256 for K-quants).</summary>
    public static int BlockSize(GgmlType type) => type switch
    {
        GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.F64 or GgmlType.I8 or GgmlType.I16 or GgmlType.I32 or GgmlType.I64 => 1,
        GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q5_0 or GgmlType.Q5_1 or GgmlType.Q8_0 or GgmlType.Q8_1 or GgmlType.IQ4_NL => 32,
        _ => 256,
    };

    /// <summary>Bytes per block; 0 for a type id this table does not know (a file naming it is rejected).</summary>
    public static int BlockBytes(GgmlType type) => type switch
    {
        GgmlType.F32 => 4,
        GgmlType.F16 => 2,
        GgmlType.BF16 => 2,
        GgmlType.F64 => 8,
        GgmlType.I8 => 1,
        GgmlType.I16 => 2,
        GgmlType.I32 => 4,
        GgmlType.I64 => 8,
        GgmlType.Q4_0 => 2 + 16,
        GgmlType.Q4_1 => 2 + 2 + 16,
        GgmlType.Q5_0 => 2 + 4 + 16,
        GgmlType.Q5_1 => 2 + 2 + 4 + 16,
        GgmlType.Q8_0 => 2 + 32,
        GgmlType.Q8_1 => 4 + 4 + 32,
        GgmlType.Q2_K => 256 / 16 + 256 / 4 + 2 + 2,
        GgmlType.Q3_K => 256 / 8 + 256 / 4 + 12 + 2,
        GgmlType.Q4_K => 2 + 2 + 12 + 256 / 2,
        GgmlType.Q5_K => 2 + 2 + 12 + 256 / 8 + 256 / 2,
        GgmlType.Q6_K => 256 / 2 + 256 / 4 + 256 / 16 + 2,
        GgmlType.Q8_K => 4 + 256 + 256 / 16 * 2,
        GgmlType.IQ4_NL => 2 + 16,
        GgmlType.IQ4_XS => 2 + 2 + 256 / 64 + 256 / 2,
        _ => 0,
    };

    /// <summary>Bytes of a row of <paramref name="elements"/> values; the count must be a whole number of blocks.</summary>
    public static long RowBytes(GgmlType type, long elements)
    {
        var block = BlockSize(type);
        if (elements % block != 0)
        {
            throw new ArgumentException($"A row of {elements} elements is not a whole number of {type} blocks of {block}.", nameof(elements));
        }
        return elements / block * BlockBytes(type);
    }
}

using Hearth.Inference.Gguf;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Converts rows of floats to and from ggml's tensor formats, bit-compatible with ggml's block layouts
/// (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K, and the Q8_K activation format).
/// </summary>
/// <remarks>
/// Q8_0 and Q4_0 quantize exactly like ggml's reference quantizers. Q4_K and Q6_K use a weighted least-squares scale search in
/// the same spirit as ggml's (close, not byte-identical). The row length must be a whole number of the type's blocks.
/// </remarks>
public static class Quantization
{
    /// <summary>Quantizes <paramref name="source"/> (one row) into <paramref name="destination"/> in <paramref name="type"/>'s layout.</summary>
    /// <exception cref="NotSupportedException">The type is not one of <see cref="GgmlTypeInfo.RowFormats"/>.</exception>
    /// <exception cref="ArgumentException">The row is not whole blocks, or the destination is too small.</exception>
    public static void QuantizeRow(GgmlType type, ReadOnlySpan<float> source, Span<byte> destination)
    {
        long bytes = CheckRow(type, source.Length);
        if (destination.Length < bytes)
        {
            throw new ArgumentException($"A {type} row of {source.Length} elements needs {bytes} bytes; the destination has {destination.Length}.", nameof(destination));
        }
        switch (type)
        {
            case GgmlType.F32: FloatFormats.CopyF32(source, destination); break;
            case GgmlType.F16: FloatFormats.QuantizeF16(source, destination); break;
            case GgmlType.BF16: FloatFormats.QuantizeBF16(source, destination); break;
            case GgmlType.Q8_0: Q8_0Format.Quantize(source, destination); break;
            case GgmlType.Q4_0: Q4_0Format.Quantize(source, destination); break;
            case GgmlType.Q4_K: Q4_KFormat.Quantize(source, destination); break;
            case GgmlType.Q6_K: Q6_KFormat.Quantize(source, destination); break;
            default: Q8_KFormat.Quantize(source, destination); break;
        }
    }

    /// <summary>Expands one row of <paramref name="type"/> blocks into floats.</summary>
    /// <exception cref="NotSupportedException">The type is not one of <see cref="GgmlTypeInfo.RowFormats"/>.</exception>
    /// <exception cref="ArgumentException">The row is not whole blocks, or the source is too small.</exception>
    public static void DequantizeRow(GgmlType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        long bytes = CheckRow(type, destination.Length);
        if (source.Length < bytes)
        {
            throw new ArgumentException($"A {type} row of {destination.Length} elements needs {bytes} bytes; the source has {source.Length}.", nameof(source));
        }
        switch (type)
        {
            case GgmlType.F32: FloatFormats.CopyF32(source, destination); break;
            case GgmlType.F16: FloatFormats.DequantizeF16(source, destination); break;
            case GgmlType.BF16: FloatFormats.DequantizeBF16(source, destination); break;
            case GgmlType.Q8_0: Q8_0Format.Dequantize(source, destination); break;
            case GgmlType.Q4_0: Q4_0Format.Dequantize(source, destination); break;
            case GgmlType.Q4_K: Q4_KFormat.Dequantize(source, destination); break;
            case GgmlType.Q6_K: Q6_KFormat.Dequantize(source, destination); break;
            default: Q8_KFormat.Dequantize(source, destination); break;
        }
    }

    /// <summary>Bytes of a row of <paramref name="elements"/> values of <paramref name="type"/>.</summary>
    public static long RowBytes(GgmlType type, int elements) => CheckRow(type, elements);

    private static long CheckRow(GgmlType type, int elements)
    {
        if (!GgmlTypeInfo.IsRowFormat(type))
        {
            throw new NotSupportedException($"Tensor type {type} is not supported by Hearth's kernels; supported: {string.Join(", ", GgmlTypeInfo.RowFormats)}.");
        }
        return GgmlTypeInfo.RowBytes(type, elements);
    }
}

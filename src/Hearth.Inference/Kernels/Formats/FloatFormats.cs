using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Hearth.Inference.Kernels;

/// <summary>Row conversions for the plain float types (F32, F16, BF16), little-endian.</summary>
internal static class FloatFormats
{
    public static void QuantizeF16(ReadOnlySpan<float> x, Span<byte> dst) =>
        TensorPrimitives.ConvertToHalf(x, MemoryMarshal.Cast<byte, Half>(dst[..(x.Length * 2)]));

    public static void DequantizeF16(ReadOnlySpan<byte> src, Span<float> y) =>
        TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(src[..(y.Length * 2)]), y);

    public static void QuantizeBF16(ReadOnlySpan<float> x, Span<byte> dst)
    {
        var d = MemoryMarshal.Cast<byte, ushort>(dst[..(x.Length * 2)]);
        for (int i = 0; i < x.Length; i++)
        {
            d[i] = HalfBits.SingleToBFloat16(x[i]);
        }
    }

    public static void DequantizeBF16(ReadOnlySpan<byte> src, Span<float> y)
    {
        var s = MemoryMarshal.Cast<byte, ushort>(src[..(y.Length * 2)]);
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = HalfBits.BFloat16ToSingle(s[i]);
        }
    }

    public static void CopyF32(ReadOnlySpan<float> x, Span<byte> dst) => MemoryMarshal.AsBytes(x).CopyTo(dst);

    public static void CopyF32(ReadOnlySpan<byte> src, Span<float> y) => src[..(y.Length * 4)].CopyTo(MemoryMarshal.AsBytes(y));
}

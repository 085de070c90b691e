using System.Runtime.CompilerServices;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Scalar conversions between float and the 16-bit float formats stored in GGUF (IEEE half and bfloat16).
/// .NET exposes no F16C intrinsic, and <c>(float)Half</c> costs ~3 ns here, so the hot path uses an exact bit trick.
/// </summary>
internal static class HalfBits
{
    private const float TwoPow112 = 5.192296858534828e33f;

    /// <summary>Exact IEEE binary16 → binary32 (normals, subnormals, ±0, ±inf, NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort h)
    {
        uint magnitude = (uint)(h & 0x7fff);
        uint sign = (uint)(h & 0x8000) << 16;
        if (magnitude >= 0x7c00)
        {
            return BitConverter.UInt32BitsToSingle(sign | 0x7f800000u | ((magnitude & 0x3ffu) << 13));
        }
        // Shifting the exponent+mantissa into float position and scaling by 2^(127-15) re-biases the exponent;
        // half subnormals become float subnormals that the multiply normalises exactly.
        float f = BitConverter.UInt32BitsToSingle(magnitude << 13) * TwoPow112;
        return BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(f) | sign);
    }

    /// <summary>binary32 → binary16 with round-to-nearest-even (as ggml and F16C do).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort FromSingle(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    /// <summary>bfloat16 → binary32 (exact: bfloat16 is the top half of a float).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float BFloat16ToSingle(ushort b) => BitConverter.UInt32BitsToSingle((uint)b << 16);

    /// <summary>binary32 → bfloat16 with round-to-nearest-even; NaN stays a quiet NaN (ggml's rule).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort SingleToBFloat16(float value)
    {
        uint u = BitConverter.SingleToUInt32Bits(value);
        if ((u & 0x7fffffffu) > 0x7f800000u)
        {
            return (ushort)((u >> 16) | 64);
        }
        return (ushort)((u + (0x7fffu + ((u >> 16) & 1u))) >> 16);
    }

    /// <summary>ggml's <c>nearest_int</c>: round half to even.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int NearestInt(float value) => (int)MathF.Round(value, MidpointRounding.ToEven);
}

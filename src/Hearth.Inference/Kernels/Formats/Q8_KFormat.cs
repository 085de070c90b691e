using System.Buffers.Binary;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Q8_K activation blocks of 256: the element of largest magnitude m gives iscale = −127 / m, q = min(127, nearest(iscale·x)),
/// d = 1 / iscale (float), plus the 16 sums of each run of 16 quants (used by the K-quant dot products for their offsets).
/// </summary>
internal static class Q8_KFormat
{
    public static void Quantize(ReadOnlySpan<float> x, Span<byte> dst)
    {
        int blocks = x.Length / BlockLayout.Qk256;
        for (int b = 0; b < blocks; b++)
        {
            var src = x.Slice(b * 256, 256);
            var blk = dst.Slice(b * BlockLayout.Q8_KBytes, BlockLayout.Q8_KBytes);
            float amax = 0, max = 0;
            for (int i = 0; i < 256; i++)
            {
                float a = MathF.Abs(src[i]);
                if (a > amax)
                {
                    amax = a;
                    max = src[i];
                }
            }
            if (amax == 0)
            {
                blk.Clear();
                continue;
            }
            float iscale = -127f / max;
            for (int i = 0; i < 256; i++)
            {
                blk[BlockLayout.Q8_KQsOffset + i] = (byte)(sbyte)Math.Min(127, HalfBits.NearestInt(iscale * src[i]));
            }
            for (int g = 0; g < 16; g++)
            {
                int sum = 0;
                for (int i = 0; i < 16; i++)
                {
                    sum += (sbyte)blk[BlockLayout.Q8_KQsOffset + g * 16 + i];
                }
                BinaryPrimitives.WriteInt16LittleEndian(blk[(BlockLayout.Q8_KSumsOffset + g * 2)..], (short)sum);
            }
            BinaryPrimitives.WriteSingleLittleEndian(blk, 1f / iscale);
        }
    }

    public static void Dequantize(ReadOnlySpan<byte> src, Span<float> y)
    {
        int blocks = y.Length / BlockLayout.Qk256;
        for (int b = 0; b < blocks; b++)
        {
            var blk = src.Slice(b * BlockLayout.Q8_KBytes, BlockLayout.Q8_KBytes);
            float d = BinaryPrimitives.ReadSingleLittleEndian(blk);
            for (int i = 0; i < 256; i++)
            {
                y[b * 256 + i] = d * (sbyte)blk[BlockLayout.Q8_KQsOffset + i];
            }
        }
    }
}

using System.Buffers.Binary;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Q4_0 blocks: the element of largest magnitude m sets d = m / −8; q = min(15, trunc(x / d + 8.5)); value = (q − 8) · d.
/// Byte j holds element j in its low nibble and element j + 16 in its high nibble.
/// </summary>
internal static class Q4_0Format
{
    public static void Quantize(ReadOnlySpan<float> x, Span<byte> dst)
    {
        int blocks = x.Length / BlockLayout.Qk32;
        for (int b = 0; b < blocks; b++)
        {
            var src = x.Slice(b * 32, 32);
            var blk = dst.Slice(b * BlockLayout.Q4_0Bytes, BlockLayout.Q4_0Bytes);
            float amax = 0, max = 0;
            for (int i = 0; i < 32; i++)
            {
                if (amax < MathF.Abs(src[i]))
                {
                    amax = MathF.Abs(src[i]);
                    max = src[i];
                }
            }
            float d = max / -8f;
            float id = d != 0 ? 1f / d : 0f;
            BinaryPrimitives.WriteUInt16LittleEndian(blk, HalfBits.FromSingle(d));
            for (int j = 0; j < 16; j++)
            {
                int lo = Math.Min(15, (int)(sbyte)(src[j] * id + 8.5f));
                int hi = Math.Min(15, (int)(sbyte)(src[j + 16] * id + 8.5f));
                blk[2 + j] = (byte)(lo | (hi << 4));
            }
        }
    }

    public static void Dequantize(ReadOnlySpan<byte> src, Span<float> y)
    {
        int blocks = y.Length / BlockLayout.Qk32;
        for (int b = 0; b < blocks; b++)
        {
            var blk = src.Slice(b * BlockLayout.Q4_0Bytes, BlockLayout.Q4_0Bytes);
            float d = HalfBits.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(blk));
            for (int j = 0; j < 16; j++)
            {
                y[b * 32 + j] = ((blk[2 + j] & 0xF) - 8) * d;
                y[b * 32 + j + 16] = ((blk[2 + j] >> 4) - 8) * d;
            }
        }
    }
}

using System.Buffers.Binary;

namespace Hearth.Inference.Kernels;

/// <summary>Q8_0 blocks: d = max|x| / 127 (stored fp16), q = round-half-away(x / d).</summary>
internal static class Q8_0Format
{
    public static void Quantize(ReadOnlySpan<float> x, Span<byte> dst)
    {
        int blocks = x.Length / BlockLayout.Qk32;
        for (int b = 0; b < blocks; b++)
        {
            var src = x.Slice(b * 32, 32);
            var blk = dst.Slice(b * BlockLayout.Q8_0Bytes, BlockLayout.Q8_0Bytes);
            float amax = 0;
            for (int i = 0; i < 32; i++)
            {
                amax = MathF.Max(amax, MathF.Abs(src[i]));
            }
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            BinaryPrimitives.WriteUInt16LittleEndian(blk, HalfBits.FromSingle(d));
            for (int i = 0; i < 32; i++)
            {
                blk[2 + i] = (byte)(sbyte)MathF.Round(src[i] * id, MidpointRounding.AwayFromZero);
            }
        }
    }

    public static void Dequantize(ReadOnlySpan<byte> src, Span<float> y)
    {
        int blocks = y.Length / BlockLayout.Qk32;
        for (int b = 0; b < blocks; b++)
        {
            var blk = src.Slice(b * BlockLayout.Q8_0Bytes, BlockLayout.Q8_0Bytes);
            float d = HalfBits.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(blk));
            for (int i = 0; i < 32; i++)
            {
                y[b * 32 + i] = (sbyte)blk[2 + i] * d;
            }
        }
    }
}

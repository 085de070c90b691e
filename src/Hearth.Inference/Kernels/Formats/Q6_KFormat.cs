using System.Buffers.Binary;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Q6_K super-blocks of 256 = 16 groups of 16: value = d·sc_g·(q − 32) with 6-bit q and int8 sc_g.
/// Each 128-element half h uses ql[64h..64h+64) and qh[32h..32h+32): for l &lt; 32, element 128h + l + 32k takes its low
/// 4 bits from ql[64h + l + 32(k&amp;1)] (low nibble for k &lt; 2, high for k ≥ 2) and its high 2 bits from qh[32h + l] bits 2k..2k+1.
/// </summary>
internal static class Q6_KFormat
{
    public static void Quantize(ReadOnlySpan<float> x, Span<byte> dst)
    {
        int blocks = x.Length / 256;
        Span<float> groupScales = stackalloc float[16];
        Span<byte> levels = stackalloc byte[256];
        for (int b = 0; b < blocks; b++)
        {
            var src = x.Slice(b * 256, 256);
            var blk = dst.Slice(b * BlockLayout.Q6_KBytes, BlockLayout.Q6_KBytes);
            blk.Clear();
            float maxScale = 0, maxAbsScale = 0;
            for (int g = 0; g < 16; g++)
            {
                groupScales[g] = ScaleSearch.Symmetric(src.Slice(g * 16, 16), 32);
                if (MathF.Abs(groupScales[g]) > maxAbsScale)
                {
                    maxAbsScale = MathF.Abs(groupScales[g]);
                    maxScale = groupScales[g];
                }
            }
            levels.Fill(32);
            if (maxAbsScale >= 1e-30f)
            {
                float iscale = -128f / maxScale;
                ushort dBits = HalfBits.FromSingle(1f / iscale);
                BinaryPrimitives.WriteUInt16LittleEndian(blk[BlockLayout.Q6_KDOffset..], dBits);
                float d = HalfBits.ToSingle(dBits);
                for (int g = 0; g < 16; g++)
                {
                    int sc = Math.Min(127, HalfBits.NearestInt(iscale * groupScales[g]));
                    blk[BlockLayout.Q6_KScalesOffset + g] = (byte)(sbyte)sc;
                    float ds = d * sc;
                    if (ds == 0)
                    {
                        continue;
                    }
                    for (int i = 0; i < 16; i++)
                    {
                        levels[g * 16 + i] = (byte)(Math.Clamp(HalfBits.NearestInt(src[g * 16 + i] / ds), -32, 31) + 32);
                    }
                }
            }
            var ql = blk;
            var qh = blk[BlockLayout.Q6_KQhOffset..];
            for (int h = 0; h < 2; h++)
            {
                for (int l = 0; l < 32; l++)
                {
                    int q1 = levels[128 * h + l], q2 = levels[128 * h + l + 32], q3 = levels[128 * h + l + 64], q4 = levels[128 * h + l + 96];
                    ql[64 * h + l] = (byte)((q1 & 0xF) | ((q3 & 0xF) << 4));
                    ql[64 * h + l + 32] = (byte)((q2 & 0xF) | ((q4 & 0xF) << 4));
                    qh[32 * h + l] = (byte)((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
                }
            }
        }
    }

    /// <summary>The 6-bit level (0..63) of element <paramref name="e"/> of one block.</summary>
    public static int Level(ReadOnlySpan<byte> blk, int e)
    {
        int h = e >> 7, k = (e >> 5) & 3, l = e & 31;
        int low = blk[64 * h + l + 32 * (k & 1)];
        low = k < 2 ? low & 0xF : low >> 4;
        int high = (blk[BlockLayout.Q6_KQhOffset + 32 * h + l] >> (2 * k)) & 3;
        return low | (high << 4);
    }

    public static void Dequantize(ReadOnlySpan<byte> src, Span<float> y)
    {
        int blocks = y.Length / 256;
        for (int b = 0; b < blocks; b++)
        {
            var blk = src.Slice(b * BlockLayout.Q6_KBytes, BlockLayout.Q6_KBytes);
            float d = HalfBits.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(blk[BlockLayout.Q6_KDOffset..]));
            for (int e = 0; e < 256; e++)
            {
                y[b * 256 + e] = d * (sbyte)blk[BlockLayout.Q6_KScalesOffset + (e >> 4)] * (Level(blk, e) - 32);
            }
        }
    }
}

using System.Buffers.Binary;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Q4_K super-blocks of 256 = 8 sub-blocks of 32: value = d·sc_j·q − dmin·m_j, with 6-bit sc_j, m_j packed in 12 bytes.
/// Nibble layout: each 64-element chunk c uses 32 bytes; byte l holds element 64c + l (low) and 64c + 32 + l (high).
/// </summary>
internal static class Q4_KFormat
{
    /// <summary>Unpacks the 6-bit scale and min of sub-block <paramref name="j"/> (ggml's <c>get_scale_min_k4</c> layout).</summary>
    public static void ScaleMin(int j, ReadOnlySpan<byte> scales, out int scale, out int min)
    {
        if (j < 4)
        {
            scale = scales[j] & 63;
            min = scales[j + 4] & 63;
        }
        else
        {
            scale = (scales[j + 4] & 0xF) | ((scales[j - 4] >> 6) << 4);
            min = (scales[j + 4] >> 4) | ((scales[j] >> 6) << 4);
        }
    }

    public static void Quantize(ReadOnlySpan<float> x, Span<byte> dst)
    {
        int blocks = x.Length / 256;
        Span<byte> levels = stackalloc byte[256];
        Span<float> weights = stackalloc float[32];
        Span<float> subScales = stackalloc float[8];
        Span<float> subMins = stackalloc float[8];
        for (int b = 0; b < blocks; b++)
        {
            var src = x.Slice(b * 256, 256);
            var blk = dst.Slice(b * BlockLayout.Q4_KBytes, BlockLayout.Q4_KBytes);
            blk.Clear();
            float sumX2 = 0;
            foreach (float v in src)
            {
                sumX2 += v * v;
            }
            float rms = MathF.Sqrt(sumX2 / 256);
            float maxScale = 0, maxMin = 0;
            for (int j = 0; j < 8; j++)
            {
                var sub = src.Slice(j * 32, 32);
                for (int l = 0; l < 32; l++)
                {
                    weights[l] = rms + MathF.Abs(sub[l]);
                }
                subScales[j] = ScaleSearch.ScaleAndMin(sub, weights, 15, levels.Slice(j * 32, 32), out subMins[j]);
                maxScale = MathF.Max(maxScale, subScales[j]);
                maxMin = MathF.Max(maxMin, subMins[j]);
            }
            float invScale = maxScale > 0 ? 63f / maxScale : 0;
            float invMin = maxMin > 0 ? 63f / maxMin : 0;
            var packed = blk.Slice(BlockLayout.Q4_KScalesOffset, 12);
            for (int j = 0; j < 8; j++)
            {
                int ls = Math.Min(63, HalfBits.NearestInt(invScale * subScales[j]));
                int lm = Math.Min(63, HalfBits.NearestInt(invMin * subMins[j]));
                if (j < 4)
                {
                    packed[j] = (byte)ls;
                    packed[j + 4] = (byte)lm;
                }
                else
                {
                    packed[j + 4] = (byte)((ls & 0xF) | ((lm & 0xF) << 4));
                    packed[j - 4] |= (byte)((ls >> 4) << 6);
                    packed[j] |= (byte)((lm >> 4) << 6);
                }
            }
            ushort dBits = HalfBits.FromSingle(maxScale / 63f);
            ushort dminBits = HalfBits.FromSingle(maxMin / 63f);
            BinaryPrimitives.WriteUInt16LittleEndian(blk, dBits);
            BinaryPrimitives.WriteUInt16LittleEndian(blk[2..], dminBits);
            float d = HalfBits.ToSingle(dBits), dmin = HalfBits.ToSingle(dminBits);
            // Re-derive every level against the rounded scales actually stored.
            for (int j = 0; j < 8; j++)
            {
                ScaleMin(j, packed, out int sc, out int m);
                float ds = d * sc;
                if (ds == 0)
                {
                    levels.Slice(j * 32, 32).Clear();
                    continue;
                }
                float dm = dmin * m;
                for (int l = 0; l < 32; l++)
                {
                    levels[j * 32 + l] = (byte)Math.Clamp(HalfBits.NearestInt((src[j * 32 + l] + dm) / ds), 0, 15);
                }
            }
            var qs = blk[BlockLayout.Q4_KQsOffset..];
            for (int c = 0; c < 4; c++)
            {
                for (int l = 0; l < 32; l++)
                {
                    qs[c * 32 + l] = (byte)(levels[c * 64 + l] | (levels[c * 64 + 32 + l] << 4));
                }
            }
        }
    }

    public static void Dequantize(ReadOnlySpan<byte> src, Span<float> y)
    {
        int blocks = y.Length / 256;
        for (int b = 0; b < blocks; b++)
        {
            var blk = src.Slice(b * BlockLayout.Q4_KBytes, BlockLayout.Q4_KBytes);
            float d = HalfBits.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(blk));
            float dmin = HalfBits.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(blk[2..]));
            var scales = blk.Slice(BlockLayout.Q4_KScalesOffset, 12);
            var qs = blk[BlockLayout.Q4_KQsOffset..];
            var dst = y.Slice(b * 256, 256);
            for (int c = 0; c < 4; c++)
            {
                ScaleMin(2 * c, scales, out int sc1, out int m1);
                ScaleMin(2 * c + 1, scales, out int sc2, out int m2);
                float d1 = d * sc1, min1 = dmin * m1, d2 = d * sc2, min2 = dmin * m2;
                for (int l = 0; l < 32; l++)
                {
                    dst[c * 64 + l] = d1 * (qs[c * 32 + l] & 0xF) - min1;
                    dst[c * 64 + 32 + l] = d2 * (qs[c * 32 + l] >> 4) - min2;
                }
            }
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Q4_K weight row · Q8_K activations: per super-block d_x·(d·Σ_j sc_j·Σ q·x − dmin·Σ_j m_j·Σx_j), with the activation block
/// sums supplying Σx_j for the mins. Integer sums are exact; the float combine happens once per 256 elements.
/// </summary>
internal static unsafe class DotQ4_K
{
    /// <summary>Unpacks the 12 packed bytes into 8 scales (bytes 0..7 of <paramref name="scales"/>) and 8 mins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Unpack(byte* packed, out ulong scales, out ulong mins)
    {
        const uint low6 = 0x3f3f3f3f, low4 = 0x0f0f0f0f, low2 = 0x03030303;
        uint u0 = *(uint*)packed, u1 = *(uint*)(packed + 4), u2 = *(uint*)(packed + 8);
        // Sub-blocks 0..3 keep 6 bits in bytes 0..7; sub-blocks 4..7 put their low 4 bits in bytes 8..11 and their top 2 bits
        // in the spare top bits of bytes 0..7.
        uint sc03 = u0 & low6, m03 = u1 & low6;
        uint sc47 = (u2 & low4) | (((u0 >> 6) & low2) << 4);
        uint m47 = ((u2 >> 4) & low4) | (((u1 >> 6) & low2) << 4);
        scales = sc03 | ((ulong)sc47 << 32);
        mins = m03 | ((ulong)m47 << 32);
    }

    /// <summary>Scalar reference twin.</summary>
    public static float Scalar(byte* w, byte* x, int blocks)
    {
        float sum = 0;
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q4_KBytes, x += BlockLayout.Q8_KBytes)
        {
            float xd = *(float*)x;
            sbyte* xq = (sbyte*)(x + BlockLayout.Q8_KQsOffset);
            short* sums = (short*)(x + BlockLayout.Q8_KSumsOffset);
            var packed = new ReadOnlySpan<byte>(w + BlockLayout.Q4_KScalesOffset, 12);
            byte* qs = w + BlockLayout.Q4_KQsOffset;
            int dot = 0, minDot = 0;
            for (int j = 0; j < 8; j++)
            {
                Q4_KFormat.ScaleMin(j, packed, out int sc, out int m);
                minDot += m * (sums[2 * j] + sums[2 * j + 1]);
                int c = j >> 1, s = 0;
                for (int l = 0; l < 32; l++)
                {
                    int q = (j & 1) == 0 ? qs[32 * c + l] & 0xF : qs[32 * c + l] >> 4;
                    s += q * xq[32 * j + l];
                }
                dot += sc * s;
            }
            sum += xd * HalfBits.ToSingle(*(ushort*)w) * dot - xd * HalfBits.ToSingle(*(ushort*)(w + 2)) * minDot;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MinDot(ulong mins, short* sums)
    {
        int r = 0;
        for (int j = 0; j < 8; j++, mins >>= 8)
        {
            r += (int)(mins & 0xFF) * (sums[2 * j] + sums[2 * j + 1]);
        }
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Avx2Path(byte* w, byte* x, int blocks)
    {
        var acc = Vector256<float>.Zero;
        float minTotal = 0;
        var mask = Vector256.Create((byte)0x0F);
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q4_KBytes, x += BlockLayout.Q8_KBytes)
        {
            Sse.Prefetch0(w + 1024);
            float xd = *(float*)x;
            sbyte* xq = (sbyte*)(x + BlockLayout.Q8_KQsOffset);
            Unpack(w + BlockLayout.Q4_KScalesOffset, out ulong scales, out ulong mins);
            byte* qs = w + BlockLayout.Q4_KQsOffset;
            var dot = Vector256<int>.Zero;
            for (int c = 0; c < 4; c++, scales >>= 16)
            {
                var q = Avx.LoadVector256(qs + 32 * c);
                var lo = Avx2.And(q, mask);
                var hi = Avx2.And(Avx2.ShiftRightLogical(q.AsUInt16(), 4).AsByte(), mask);
                var pLo = Avx2.MultiplyAddAdjacent(lo, Avx.LoadVector256(xq + 64 * c));
                var pHi = Avx2.MultiplyAddAdjacent(hi, Avx.LoadVector256(xq + 64 * c + 32));
                dot = Simd.DotS16(dot, pLo, Vector256.Create((short)(scales & 0xFF)));
                dot = Simd.DotS16(dot, pHi, Vector256.Create((short)((scales >> 8) & 0xFF)));
            }
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(dot), Vector256.Create(xd * HalfBits.ToSingle(*(ushort*)w)), acc);
            minTotal += xd * HalfBits.ToSingle(*(ushort*)(w + 2)) * MinDot(mins, (short*)(x + BlockLayout.Q8_KSumsOffset));
        }
        return Simd.Sum(acc) - minTotal;
    }

    /// <summary>AVX-512BW, one token (the tests' entry point).</summary>
    public static float Avx512Path(byte* w, byte* x, int blocks)
    {
        float result;
        Avx512Path<OneToken>(w, new Q8KActivations(x, blocks), 0, &result);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Token(Vector512<float> acc, byte* x, float dw, Vector512<byte> e00, Vector512<byte> e01, Vector512<byte> e10,
        Vector512<byte> e11, Vector512<short> s00, Vector512<short> s01, Vector512<short> s10, Vector512<short> s11)
    {
        sbyte* xq = (sbyte*)(x + BlockLayout.Q8_KQsOffset);
        var d0 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(e00, Avx512F.LoadVector512(xq)), s00),
            Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(e01, Avx512F.LoadVector512(xq + 64)), s01));
        var d1 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(e10, Avx512F.LoadVector512(xq + 128)), s10),
            Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(e11, Avx512F.LoadVector512(xq + 192)), s11));
        return Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(Avx512F.Add(d0, d1)), Vector512.Create(*(float*)x * dw), acc);
    }

    /// <summary>
    /// AVX-512BW: one weight row against <typeparamref name="TCount"/> tokens. Each super-block's nibbles are split and
    /// regrouped, and its scales broadcast, once for all the tokens.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx512Path<TCount>(byte* w, in Q8KActivations x, int token, float* dst) where TCount : struct, ITokenCount
    {
        int blocks = x.Blocks;
        byte* x0 = x.Of(token);
        long stride = (long)blocks * BlockLayout.Q8_KBytes;
        var a0 = Vector512<float>.Zero;
        var a1 = Vector512<float>.Zero;
        var a2 = Vector512<float>.Zero;
        var a3 = Vector512<float>.Zero;
        float m0 = 0, m1 = 0, m2 = 0, m3 = 0;
        var mask = Vector512.Create((byte)0x0F);
        var first = Vector512.Create(0ul, 1, 2, 3, 8, 9, 10, 11);
        var second = Vector512.Create(4ul, 5, 6, 7, 12, 13, 14, 15);
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q4_KBytes, x0 += BlockLayout.Q8_KBytes)
        {
            Sse.Prefetch0(w + 1024);
            Unpack(w + BlockLayout.Q4_KScalesOffset, out ulong scales, out ulong mins);
            float dw = HalfBits.ToSingle(*(ushort*)w), dmin = HalfBits.ToSingle(*(ushort*)(w + 2));
            byte* qs = w + BlockLayout.Q4_KQsOffset;
            // 64 bytes hold chunks 2h and 2h+1; regroup to elements [128h, 128h+64) and [128h+64, 128h+128).
            var v0 = Avx512F.LoadVector512(qs);
            var lo0 = Avx512F.And(v0, mask).AsUInt64();
            var hi0 = Avx512F.And(Avx512BW.ShiftRightLogical(v0.AsUInt16(), 4).AsByte(), mask).AsUInt64();
            var e00 = Avx512F.PermuteVar8x64x2(lo0, first, hi0).AsByte();
            var e01 = Avx512F.PermuteVar8x64x2(lo0, second, hi0).AsByte();
            var v1 = Avx512F.LoadVector512(qs + 64);
            var lo1 = Avx512F.And(v1, mask).AsUInt64();
            var hi1 = Avx512F.And(Avx512BW.ShiftRightLogical(v1.AsUInt16(), 4).AsByte(), mask).AsUInt64();
            var e10 = Avx512F.PermuteVar8x64x2(lo1, first, hi1).AsByte();
            var e11 = Avx512F.PermuteVar8x64x2(lo1, second, hi1).AsByte();
            var s00 = Vector512.Create(Vector256.Create((short)(scales & 0xFF)), Vector256.Create((short)((scales >> 8) & 0xFF)));
            var s01 = Vector512.Create(Vector256.Create((short)((scales >> 16) & 0xFF)), Vector256.Create((short)((scales >> 24) & 0xFF)));
            var s10 = Vector512.Create(Vector256.Create((short)((scales >> 32) & 0xFF)), Vector256.Create((short)((scales >> 40) & 0xFF)));
            var s11 = Vector512.Create(Vector256.Create((short)((scales >> 48) & 0xFF)), Vector256.Create((short)(scales >> 56)));
            a0 = Token(a0, x0, dw, e00, e01, e10, e11, s00, s01, s10, s11);
            m0 += *(float*)x0 * dmin * MinDot(mins, (short*)(x0 + BlockLayout.Q8_KSumsOffset));
            if (TCount.Value > 1)
            {
                a1 = Token(a1, x0 + stride, dw, e00, e01, e10, e11, s00, s01, s10, s11);
                m1 += *(float*)(x0 + stride) * dmin * MinDot(mins, (short*)(x0 + stride + BlockLayout.Q8_KSumsOffset));
            }
            if (TCount.Value > 2)
            {
                a2 = Token(a2, x0 + 2 * stride, dw, e00, e01, e10, e11, s00, s01, s10, s11);
                m2 += *(float*)(x0 + 2 * stride) * dmin * MinDot(mins, (short*)(x0 + 2 * stride + BlockLayout.Q8_KSumsOffset));
            }
            if (TCount.Value > 3)
            {
                a3 = Token(a3, x0 + 3 * stride, dw, e00, e01, e10, e11, s00, s01, s10, s11);
                m3 += *(float*)(x0 + 3 * stride) * dmin * MinDot(mins, (short*)(x0 + 3 * stride + BlockLayout.Q8_KSumsOffset));
            }
        }
        Simd.Store<TCount>(dst, Simd.Sum(a0) - m0, Simd.Sum(a1) - m1, Simd.Sum(a2) - m2, Simd.Sum(a3) - m3);
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Q6_K weight row · Q8_K activations: per super-block d·d_x·(Σ_g sc_g·Σ q·x − 32·Σ_g sc_g·Σx_g). The SIMD paths multiply the
/// unsigned 6-bit levels directly and take the −32 offset from the activation block sums (one 16-lane multiply-add).
/// </summary>
internal static unsafe class DotQ6_K
{
    /// <summary>Scalar reference twin.</summary>
    public static float Scalar(byte* w, byte* x, int blocks)
    {
        float sum = 0;
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q6_KBytes, x += BlockLayout.Q8_KBytes)
        {
            var blk = new ReadOnlySpan<byte>(w, BlockLayout.Q6_KBytes);
            sbyte* xq = (sbyte*)(x + BlockLayout.Q8_KQsOffset);
            int dot = 0;
            for (int g = 0; g < 16; g++)
            {
                int s = 0;
                for (int i = 0; i < 16; i++)
                {
                    s += (Q6_KFormat.Level(blk, 16 * g + i) - 32) * xq[16 * g + i];
                }
                dot += (sbyte)w[BlockLayout.Q6_KScalesOffset + g] * s;
            }
            sum += *(float*)x * HalfBits.ToSingle(*(ushort*)(w + BlockLayout.Q6_KDOffset)) * dot;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> TwoScales(sbyte* scales, int g) =>
        Vector256.Create(Vector128.Create((short)scales[g]), Vector128.Create((short)scales[g + 1]));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Avx2Path(byte* w, byte* x, int blocks)
    {
        var acc = Vector256<float>.Zero;
        var low4 = Vector256.Create((byte)0x0F);
        var bits45 = Vector256.Create((byte)0x30);
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q6_KBytes, x += BlockLayout.Q8_KBytes)
        {
            Sse.Prefetch0(w + 1024);
            sbyte* xq = (sbyte*)(x + BlockLayout.Q8_KQsOffset);
            sbyte* scales = (sbyte*)(w + BlockLayout.Q6_KScalesOffset);
            var scales16 = Avx2.ConvertToVector256Int16(scales);
            // −32·Σ_g sc_g·Σx_g, from the activation's 16 block sums.
            var offset = Avx2.MultiplyAddAdjacent(Avx.LoadVector256((short*)(x + BlockLayout.Q8_KSumsOffset)), scales16);
            var dot = Avx2.Subtract(Vector256<int>.Zero, Avx2.ShiftLeftLogical(offset, 5));
            for (int h = 0; h < 2; h++)
            {
                byte* ql = w + 64 * h;
                var ql0 = Avx.LoadVector256(ql);
                var ql1 = Avx.LoadVector256(ql + 32);
                var qh = Avx.LoadVector256(w + BlockLayout.Q6_KQhOffset + 32 * h);
                var q1 = Avx2.Or(Avx2.And(ql0, low4), Avx2.And(Avx2.ShiftLeftLogical(qh.AsUInt16(), 4).AsByte(), bits45));
                var q2 = Avx2.Or(Avx2.And(ql1, low4), Avx2.And(Avx2.ShiftLeftLogical(qh.AsUInt16(), 2).AsByte(), bits45));
                var q3 = Avx2.Or(Avx2.And(Avx2.ShiftRightLogical(ql0.AsUInt16(), 4).AsByte(), low4), Avx2.And(qh, bits45));
                var q4 = Avx2.Or(Avx2.And(Avx2.ShiftRightLogical(ql1.AsUInt16(), 4).AsByte(), low4), Avx2.And(Avx2.ShiftRightLogical(qh.AsUInt16(), 2).AsByte(), bits45));
                sbyte* xh = xq + 128 * h;
                dot = Simd.DotS16(dot, Avx2.MultiplyAddAdjacent(q1, Avx.LoadVector256(xh)), TwoScales(scales, 8 * h));
                dot = Simd.DotS16(dot, Avx2.MultiplyAddAdjacent(q2, Avx.LoadVector256(xh + 32)), TwoScales(scales, 8 * h + 2));
                dot = Simd.DotS16(dot, Avx2.MultiplyAddAdjacent(q3, Avx.LoadVector256(xh + 64)), TwoScales(scales, 8 * h + 4));
                dot = Simd.DotS16(dot, Avx2.MultiplyAddAdjacent(q4, Avx.LoadVector256(xh + 96)), TwoScales(scales, 8 * h + 6));
            }
            float d = *(float*)x * HalfBits.ToSingle(*(ushort*)(w + BlockLayout.Q6_KDOffset));
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(dot), Vector256.Create(d), acc);
        }
        return Simd.Sum(acc);
    }

    /// <summary>AVX-512BW, one token (the tests' entry point).</summary>
    public static float Avx512Path(byte* w, byte* x, int blocks)
    {
        float result;
        Avx512Path<OneToken>(w, new Q8KActivations(x, blocks), 0, &result);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Token(Vector512<float> acc, byte* x, float dw, Vector256<short> scales16, Vector512<byte> e00, Vector512<byte> e01,
        Vector512<byte> e10, Vector512<byte> e11, Vector512<short> s00, Vector512<short> s01, Vector512<short> s10, Vector512<short> s11)
    {
        sbyte* xq = (sbyte*)(x + BlockLayout.Q8_KQsOffset);
        // −32·Σ_g sc_g·Σx_g from the activation's 16 block sums.
        var offset = Avx2.MultiplyAddAdjacent(Avx.LoadVector256((short*)(x + BlockLayout.Q8_KSumsOffset)), scales16);
        var dot = Vector512.Create(Avx2.Subtract(Vector256<int>.Zero, Avx2.ShiftLeftLogical(offset, 5)), Vector256<int>.Zero);
        var d0 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(e00, Avx512F.LoadVector512(xq)), s00),
            Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(e01, Avx512F.LoadVector512(xq + 64)), s01));
        var d1 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(e10, Avx512F.LoadVector512(xq + 128)), s10),
            Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(e11, Avx512F.LoadVector512(xq + 192)), s11));
        dot = Avx512F.Add(dot, Avx512F.Add(d0, d1));
        return Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(dot), Vector512.Create(*(float*)x * dw), acc);
    }

    /// <summary>
    /// AVX-512BW: one weight row against <typeparamref name="TCount"/> tokens; each super-block's 6-bit levels are assembled
    /// and its group scales broadcast once for all the tokens.
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
        var low4 = Vector512.Create((byte)0x0F);
        var bits45 = Vector512.Create((byte)0x30);
        var shiftLeft = Vector512.Create(Vector256.Create((ushort)4), Vector256.Create((ushort)2));
        var shiftRight = Vector512.Create(Vector256.Create((ushort)0), Vector256.Create((ushort)2));
        // Which of the 16 group scales each int16 lane (2 elements) of a 64-element vector uses.
        var pick0 = Vector512.Create(Vector256.Create(Vector128.Create((short)0), Vector128.Create((short)1)), Vector256.Create(Vector128.Create((short)2), Vector128.Create((short)3)));
        var pick4 = Avx512BW.Add(pick0, Vector512.Create((short)4));
        var pick8 = Avx512BW.Add(pick0, Vector512.Create((short)8));
        var pick12 = Avx512BW.Add(pick0, Vector512.Create((short)12));
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q6_KBytes, x0 += BlockLayout.Q8_KBytes)
        {
            Sse.Prefetch0(w + 1024);
            var scales16 = Avx2.ConvertToVector256Int16((sbyte*)(w + BlockLayout.Q6_KScalesOffset));
            var scales512 = scales16.ToVector512();
            float dw = HalfBits.ToSingle(*(ushort*)(w + BlockLayout.Q6_KDOffset));
            // Half h: low 256 bits hold elements 128h + [0, 32), high 128h + [32, 64); then the high nibbles (+64).
            var ql0 = Avx512F.LoadVector512(w);
            var qh0256 = Avx.LoadVector256(w + BlockLayout.Q6_KQhOffset);
            var qh0 = Vector512.Create(qh0256, qh0256).AsUInt16();
            var e00 = Avx512F.Or(Avx512F.And(ql0, low4), Avx512F.And(Avx512BW.ShiftLeftLogicalVariable(qh0, shiftLeft).AsByte(), bits45));
            var e01 = Avx512F.Or(Avx512F.And(Avx512BW.ShiftRightLogical(ql0.AsUInt16(), 4).AsByte(), low4), Avx512F.And(Avx512BW.ShiftRightLogicalVariable(qh0, shiftRight).AsByte(), bits45));
            var ql1 = Avx512F.LoadVector512(w + 64);
            var qh1256 = Avx.LoadVector256(w + BlockLayout.Q6_KQhOffset + 32);
            var qh1 = Vector512.Create(qh1256, qh1256).AsUInt16();
            var e10 = Avx512F.Or(Avx512F.And(ql1, low4), Avx512F.And(Avx512BW.ShiftLeftLogicalVariable(qh1, shiftLeft).AsByte(), bits45));
            var e11 = Avx512F.Or(Avx512F.And(Avx512BW.ShiftRightLogical(ql1.AsUInt16(), 4).AsByte(), low4), Avx512F.And(Avx512BW.ShiftRightLogicalVariable(qh1, shiftRight).AsByte(), bits45));
            var s00 = Avx512BW.PermuteVar32x16(scales512, pick0);
            var s01 = Avx512BW.PermuteVar32x16(scales512, pick4);
            var s10 = Avx512BW.PermuteVar32x16(scales512, pick8);
            var s11 = Avx512BW.PermuteVar32x16(scales512, pick12);
            a0 = Token(a0, x0, dw, scales16, e00, e01, e10, e11, s00, s01, s10, s11);
            if (TCount.Value > 1)
            {
                a1 = Token(a1, x0 + stride, dw, scales16, e00, e01, e10, e11, s00, s01, s10, s11);
            }
            if (TCount.Value > 2)
            {
                a2 = Token(a2, x0 + 2 * stride, dw, scales16, e00, e01, e10, e11, s00, s01, s10, s11);
            }
            if (TCount.Value > 3)
            {
                a3 = Token(a3, x0 + 3 * stride, dw, scales16, e00, e01, e10, e11, s00, s01, s10, s11);
            }
        }
        Simd.Store<TCount>(dst, Simd.Sum(a0), Simd.Sum(a1), Simd.Sum(a2), Simd.Sum(a3));
    }
}

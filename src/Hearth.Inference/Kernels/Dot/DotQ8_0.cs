using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Q8_0 weight row · Q8 activations. Per block: Σ w·x in int32 (exact), times d_w·d_x in float.
/// The SIMD paths feed |w| (unsigned) and sign(w)·x to the u8×s8 dot instruction.
/// </summary>
internal static unsafe class DotQ8_0
{
    /// <summary>Scalar reference twin.</summary>
    public static float Scalar(byte* w, in Q8Activations x, int token)
    {
        sbyte* q = x.QsOf(token);
        float* d = x.ScalesOf(token);
        float sum = 0;
        for (int b = 0; b < x.Blocks; b++, w += BlockLayout.Q8_0Bytes)
        {
            int acc = 0;
            for (int i = 0; i < 32; i++)
            {
                acc += (sbyte)w[2 + i] * q[b * 32 + i];
            }
            sum += acc * (HalfBits.ToSingle(*(ushort*)w) * d[b]);
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Block(Vector256<byte> absW, Vector256<sbyte> w, sbyte* q) =>
        Avx.ConvertToVector256Single(Simd.DotU8S8(Vector256<int>.Zero, absW, Avx2.Sign(Avx.LoadVector256(q), w)));

    /// <summary>
    /// With AVX-VNNI: 4 blocks of (w + 128 as unsigned) · x, one instruction per block and no per-token sign fix-up; the
    /// +128·Σx this adds is removed in float from the activations' d·Σx.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> QuadBiased(Vector256<float> acc, Vector256<byte> u0, Vector256<byte> u1, Vector256<byte> u2, Vector256<byte> u3,
        sbyte* q, Vector128<float> s)
    {
        var p0 = Avx.ConvertToVector256Single(AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, u0, Avx.LoadVector256(q)));
        var p1 = Avx.ConvertToVector256Single(AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, u1, Avx.LoadVector256(q + 32)));
        var p2 = Avx.ConvertToVector256Single(AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, u2, Avx.LoadVector256(q + 64)));
        var p3 = Avx.ConvertToVector256Single(AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, u3, Avx.LoadVector256(q + 96)));
        var t01 = Fma.MultiplyAdd(p0, Simd.Lane(s, 0), Avx.Multiply(p1, Simd.Lane(s, 1)));
        var t23 = Fma.MultiplyAdd(p2, Simd.Lane(s, 2), Avx.Multiply(p3, Simd.Lane(s, 3)));
        return Avx.Add(acc, Avx.Add(t01, t23));
    }

    /// <summary>One token's contribution of 4 blocks: Σ_k (dot_k as float) · s[k], added to <paramref name="acc"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Quad(Vector256<float> acc, Vector256<sbyte> w0, Vector256<sbyte> w1, Vector256<sbyte> w2, Vector256<sbyte> w3,
        Vector256<byte> u0, Vector256<byte> u1, Vector256<byte> u2, Vector256<byte> u3, sbyte* q, Vector128<float> s)
    {
        var t01 = Fma.MultiplyAdd(Block(u0, w0, q), Simd.Lane(s, 0), Avx.Multiply(Block(u1, w1, q + 32), Simd.Lane(s, 1)));
        var t23 = Fma.MultiplyAdd(Block(u2, w2, q + 64), Simd.Lane(s, 2), Avx.Multiply(Block(u3, w3, q + 96), Simd.Lane(s, 3)));
        return Avx.Add(acc, Avx.Add(t01, t23));
    }

    /// <summary>
    /// AVX2 (+AVX-VNNI when present): one weight row against <typeparamref name="TCount"/> tokens from <paramref name="token"/>.
    /// Blocks go 4 at a time so their fp16 scales convert in one vector; a ragged tail of 1–3 blocks goes one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx2Path<TCount>(byte* w, in Q8Activations x, int token, float* dst) where TCount : struct, ITokenCount
    {
        int nb = x.Blocks;
        sbyte* q0 = x.QsOf(token);
        float* d0 = x.ScalesOf(token);
        long qStride = (long)nb * 32;
        var a0 = Vector256<float>.Zero;
        var a1 = Vector256<float>.Zero;
        var a2 = Vector256<float>.Zero;
        var a3 = Vector256<float>.Zero;
        const int bs = BlockLayout.Q8_0Bytes;
        int b = 0;
        if (AvxVnni.IsSupported)
        {
            float* ss0 = x.ScaledSumsOf(token);
            var c0 = Vector128<float>.Zero;
            var c1 = Vector128<float>.Zero;
            var c2 = Vector128<float>.Zero;
            var c3 = Vector128<float>.Zero;
            var bias = Vector256.Create((byte)0x80);
            for (; b + 4 <= nb; b += 4, w += 4 * bs)
            {
                Sse.Prefetch0(w + 1024);
                Sse.Prefetch0(w + 1088);
                var dw = Simd.BlockScales4(w, bs);
                var u0 = Avx2.Xor(Avx.LoadVector256(w + 2), bias);
                var u1 = Avx2.Xor(Avx.LoadVector256(w + bs + 2), bias);
                var u2 = Avx2.Xor(Avx.LoadVector256(w + 2 * bs + 2), bias);
                var u3 = Avx2.Xor(Avx.LoadVector256(w + 3 * bs + 2), bias);
                a0 = QuadBiased(a0, u0, u1, u2, u3, q0 + b * 32, Sse.Multiply(dw, Sse.LoadVector128(d0 + b)));
                c0 = Fma.MultiplyAdd(dw, Sse.LoadVector128(ss0 + b), c0);
                if (TCount.Value > 1)
                {
                    a1 = QuadBiased(a1, u0, u1, u2, u3, q0 + qStride + b * 32, Sse.Multiply(dw, Sse.LoadVector128(d0 + nb + b)));
                    c1 = Fma.MultiplyAdd(dw, Sse.LoadVector128(ss0 + nb + b), c1);
                }
                if (TCount.Value > 2)
                {
                    a2 = QuadBiased(a2, u0, u1, u2, u3, q0 + 2 * qStride + b * 32, Sse.Multiply(dw, Sse.LoadVector128(d0 + 2 * nb + b)));
                    c2 = Fma.MultiplyAdd(dw, Sse.LoadVector128(ss0 + 2 * nb + b), c2);
                }
                if (TCount.Value > 3)
                {
                    a3 = QuadBiased(a3, u0, u1, u2, u3, q0 + 3 * qStride + b * 32, Sse.Multiply(dw, Sse.LoadVector128(d0 + 3 * nb + b)));
                    c3 = Fma.MultiplyAdd(dw, Sse.LoadVector128(ss0 + 3 * nb + b), c3);
                }
            }
            // Remove the +128 bias: −128 · Σ_b d_w · d_x · Σx, folded into the first lane of each accumulator.
            a0 = Avx.Add(a0, Vector256.CreateScalar(-128 * Simd.Sum(c0)));
            a1 = Avx.Add(a1, Vector256.CreateScalar(-128 * Simd.Sum(c1)));
            a2 = Avx.Add(a2, Vector256.CreateScalar(-128 * Simd.Sum(c2)));
            a3 = Avx.Add(a3, Vector256.CreateScalar(-128 * Simd.Sum(c3)));
        }
        for (; b + 4 <= nb; b += 4, w += 4 * bs)
        {
            Sse.Prefetch0(w + 1024);
            Sse.Prefetch0(w + 1088);
            var dw = Simd.BlockScales4(w, bs);
            var w0 = Avx.LoadVector256((sbyte*)(w + 2));
            var w1 = Avx.LoadVector256((sbyte*)(w + bs + 2));
            var w2 = Avx.LoadVector256((sbyte*)(w + 2 * bs + 2));
            var w3 = Avx.LoadVector256((sbyte*)(w + 3 * bs + 2));
            var u0 = Avx2.Abs(w0);
            var u1 = Avx2.Abs(w1);
            var u2 = Avx2.Abs(w2);
            var u3 = Avx2.Abs(w3);
            a0 = Quad(a0, w0, w1, w2, w3, u0, u1, u2, u3, q0 + b * 32, Sse.Multiply(dw, Sse.LoadVector128(d0 + b)));
            if (TCount.Value > 1)
            {
                a1 = Quad(a1, w0, w1, w2, w3, u0, u1, u2, u3, q0 + qStride + b * 32, Sse.Multiply(dw, Sse.LoadVector128(d0 + nb + b)));
            }
            if (TCount.Value > 2)
            {
                a2 = Quad(a2, w0, w1, w2, w3, u0, u1, u2, u3, q0 + 2 * qStride + b * 32, Sse.Multiply(dw, Sse.LoadVector128(d0 + 2 * nb + b)));
            }
            if (TCount.Value > 3)
            {
                a3 = Quad(a3, w0, w1, w2, w3, u0, u1, u2, u3, q0 + 3 * qStride + b * 32, Sse.Multiply(dw, Sse.LoadVector128(d0 + 3 * nb + b)));
            }
        }
        float t0 = Simd.Sum(a0), t1 = Simd.Sum(a1), t2 = Simd.Sum(a2), t3 = Simd.Sum(a3);
        for (; b < nb; b++, w += bs)
        {
            float dw = HalfBits.ToSingle(*(ushort*)w);
            var wv = Avx.LoadVector256((sbyte*)(w + 2));
            var aw = Avx2.Abs(wv);
            t0 += dw * d0[b] * Simd.Sum(Block(aw, wv, q0 + b * 32));
            if (TCount.Value > 1)
            {
                t1 += dw * d0[nb + b] * Simd.Sum(Block(aw, wv, q0 + qStride + b * 32));
            }
            if (TCount.Value > 2)
            {
                t2 += dw * d0[2 * nb + b] * Simd.Sum(Block(aw, wv, q0 + 2 * qStride + b * 32));
            }
            if (TCount.Value > 3)
            {
                t3 += dw * d0[3 * nb + b] * Simd.Sum(Block(aw, wv, q0 + 3 * qStride + b * 32));
            }
        }
        Simd.Store<TCount>(dst, t0, t1, t2, t3);
    }

    /// <summary>AVX-512BW: two blocks per 512-bit step; an odd trailing block goes through the 256-bit step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx512Path<TCount>(byte* w, in Q8Activations x, int token, float* dst) where TCount : struct, ITokenCount
    {
        int nb = x.Blocks;
        sbyte* q0 = x.QsOf(token);
        float* d0 = x.ScalesOf(token);
        long qStride = (long)nb * 32;
        var a0 = Vector512<float>.Zero;
        var a1 = Vector512<float>.Zero;
        var a2 = Vector512<float>.Zero;
        var a3 = Vector512<float>.Zero;
        int b = 0;
        for (; b + 1 < nb; b += 2, w += 2 * BlockLayout.Q8_0Bytes)
        {
            float dw0 = HalfBits.ToSingle(*(ushort*)w);
            float dw1 = HalfBits.ToSingle(*(ushort*)(w + BlockLayout.Q8_0Bytes));
            var wv = Simd.Load2x256((sbyte*)(w + 2), (sbyte*)(w + 2 + BlockLayout.Q8_0Bytes));
            var aw = Avx512BW.Abs(wv);
            var negative = Vector512.LessThan(wv, Vector512<sbyte>.Zero);
            var x0 = Avx512F.LoadVector512(q0 + b * 32);
            var p0 = Avx512F.ConvertToVector512Single(Simd.DotU8S8(Vector512<int>.Zero, aw, Vector512.ConditionalSelect(negative, -x0, x0)));
            a0 = Avx512F.FusedMultiplyAdd(p0, Simd.Broadcast2(dw0 * d0[b], dw1 * d0[b + 1]), a0);
            if (TCount.Value > 1)
            {
                var x1 = Avx512F.LoadVector512(q0 + qStride + b * 32);
                var p1 = Avx512F.ConvertToVector512Single(Simd.DotU8S8(Vector512<int>.Zero, aw, Vector512.ConditionalSelect(negative, -x1, x1)));
                a1 = Avx512F.FusedMultiplyAdd(p1, Simd.Broadcast2(dw0 * d0[nb + b], dw1 * d0[nb + b + 1]), a1);
            }
            if (TCount.Value > 2)
            {
                var x2 = Avx512F.LoadVector512(q0 + 2 * qStride + b * 32);
                var p2 = Avx512F.ConvertToVector512Single(Simd.DotU8S8(Vector512<int>.Zero, aw, Vector512.ConditionalSelect(negative, -x2, x2)));
                a2 = Avx512F.FusedMultiplyAdd(p2, Simd.Broadcast2(dw0 * d0[2 * nb + b], dw1 * d0[2 * nb + b + 1]), a2);
            }
            if (TCount.Value > 3)
            {
                var x3 = Avx512F.LoadVector512(q0 + 3 * qStride + b * 32);
                var p3 = Avx512F.ConvertToVector512Single(Simd.DotU8S8(Vector512<int>.Zero, aw, Vector512.ConditionalSelect(negative, -x3, x3)));
                a3 = Avx512F.FusedMultiplyAdd(p3, Simd.Broadcast2(dw0 * d0[3 * nb + b], dw1 * d0[3 * nb + b + 1]), a3);
            }
        }
        float t0 = Simd.Sum(a0), t1 = Simd.Sum(a1), t2 = Simd.Sum(a2), t3 = Simd.Sum(a3);
        if (b < nb)
        {
            float dw = HalfBits.ToSingle(*(ushort*)w);
            var wv = Avx.LoadVector256((sbyte*)(w + 2));
            var aw = Avx2.Abs(wv);
            t0 += dw * d0[b] * Simd.Sum(Avx.ConvertToVector256Single(Simd.DotU8S8(Vector256<int>.Zero, aw, Avx2.Sign(Avx.LoadVector256(q0 + b * 32), wv))));
            if (TCount.Value > 1)
            {
                t1 += dw * d0[nb + b] * Simd.Sum(Avx.ConvertToVector256Single(Simd.DotU8S8(Vector256<int>.Zero, aw, Avx2.Sign(Avx.LoadVector256(q0 + qStride + b * 32), wv))));
            }
            if (TCount.Value > 2)
            {
                t2 += dw * d0[2 * nb + b] * Simd.Sum(Avx.ConvertToVector256Single(Simd.DotU8S8(Vector256<int>.Zero, aw, Avx2.Sign(Avx.LoadVector256(q0 + 2 * qStride + b * 32), wv))));
            }
            if (TCount.Value > 3)
            {
                t3 += dw * d0[3 * nb + b] * Simd.Sum(Avx.ConvertToVector256Single(Simd.DotU8S8(Vector256<int>.Zero, aw, Avx2.Sign(Avx.LoadVector256(q0 + 3 * qStride + b * 32), wv))));
            }
        }
        dst[0] = t0;
        if (TCount.Value > 1)
        {
            dst[1] = t1;
        }
        if (TCount.Value > 2)
        {
            dst[2] = t2;
        }
        if (TCount.Value > 3)
        {
            dst[3] = t3;
        }
    }
}

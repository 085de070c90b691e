using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Q4_0 weight row · Q8 activations. The SIMD paths multiply the unsigned nibbles (0..15) directly with the signed quants and
/// start each block's integer accumulator at the activations' precomputed −8·Σx, which applies Q4_0's −8 offset exactly.
/// </summary>
internal static unsafe class DotQ4_0
{
    /// <summary>Scalar reference twin.</summary>
    public static float Scalar(byte* w, in Q8Activations x, int token)
    {
        sbyte* q = x.QsOf(token);
        float* d = x.ScalesOf(token);
        float sum = 0;
        for (int b = 0; b < x.Blocks; b++, w += BlockLayout.Q4_0Bytes)
        {
            int acc = 0;
            for (int j = 0; j < 16; j++)
            {
                acc += ((w[2 + j] & 0xF) - 8) * q[b * 32 + j];
                acc += ((w[2 + j] >> 4) - 8) * q[b * 32 + j + 16];
            }
            sum += acc * (HalfBits.ToSingle(*(ushort*)w) * d[b]);
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Nibbles(byte* packed)
    {
        var raw = Sse2.LoadVector128(packed);
        return Avx2.And(Vector256.Create(raw, Sse2.ShiftRightLogical(raw.AsUInt16(), 4).AsByte()), Vector256.Create((byte)0x0F));
    }

    /// <summary>
    /// One token's contribution of 4 blocks from the raw nibble products: Σ_k (Σ nibble·x as float) · s[k], added to
    /// <paramref name="acc"/>. The −8 offset is applied separately, in float, from the activations' d·Σx.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Quad(Vector256<float> acc, Vector256<byte> n0, Vector256<byte> n1, Vector256<byte> n2, Vector256<byte> n3,
        sbyte* q, Vector128<float> s)
    {
        var p0 = Avx.ConvertToVector256Single(Simd.DotU8S8(Vector256<int>.Zero, n0, Avx.LoadVector256(q)));
        var p1 = Avx.ConvertToVector256Single(Simd.DotU8S8(Vector256<int>.Zero, n1, Avx.LoadVector256(q + 32)));
        var p2 = Avx.ConvertToVector256Single(Simd.DotU8S8(Vector256<int>.Zero, n2, Avx.LoadVector256(q + 64)));
        var p3 = Avx.ConvertToVector256Single(Simd.DotU8S8(Vector256<int>.Zero, n3, Avx.LoadVector256(q + 96)));
        var t01 = Fma.MultiplyAdd(p0, Simd.Lane(s, 0), Avx.Multiply(p1, Simd.Lane(s, 1)));
        var t23 = Fma.MultiplyAdd(p2, Simd.Lane(s, 2), Avx.Multiply(p3, Simd.Lane(s, 3)));
        return Avx.Add(acc, Avx.Add(t01, t23));
    }

    /// <summary>One token's contribution of a single block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float One(Vector256<byte> nib, sbyte* q, int* o) =>
        Simd.Sum(Avx.ConvertToVector256Single(Simd.DotU8S8(Avx.LoadVector256(o), nib, Avx.LoadVector256(q))));

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
        int* o0 = x.OffsetsOf(token);
        float* ss0 = x.ScaledSumsOf(token);
        long qStride = (long)nb * 32, oStride = (long)nb * 8;
        var a0 = Vector256<float>.Zero;
        var a1 = Vector256<float>.Zero;
        var a2 = Vector256<float>.Zero;
        var a3 = Vector256<float>.Zero;
        var c0 = Vector128<float>.Zero;
        var c1 = Vector128<float>.Zero;
        var c2 = Vector128<float>.Zero;
        var c3 = Vector128<float>.Zero;
        const int bs = BlockLayout.Q4_0Bytes;
        int b = 0;
        for (; b + 4 <= nb; b += 4, w += 4 * bs)
        {
            Sse.Prefetch0(w + 1024);
            var dw = Simd.BlockScales4(w, bs);
            var n0 = Nibbles(w + 2);
            var n1 = Nibbles(w + bs + 2);
            var n2 = Nibbles(w + 2 * bs + 2);
            var n3 = Nibbles(w + 3 * bs + 2);
            a0 = Quad(a0, n0, n1, n2, n3, q0 + b * 32, Sse.Multiply(dw, Sse.LoadVector128(d0 + b)));
            c0 = Fma.MultiplyAdd(dw, Sse.LoadVector128(ss0 + b), c0);
            if (TCount.Value > 1)
            {
                a1 = Quad(a1, n0, n1, n2, n3, q0 + qStride + b * 32, Sse.Multiply(dw, Sse.LoadVector128(d0 + nb + b)));
                c1 = Fma.MultiplyAdd(dw, Sse.LoadVector128(ss0 + nb + b), c1);
            }
            if (TCount.Value > 2)
            {
                a2 = Quad(a2, n0, n1, n2, n3, q0 + 2 * qStride + b * 32, Sse.Multiply(dw, Sse.LoadVector128(d0 + 2 * nb + b)));
                c2 = Fma.MultiplyAdd(dw, Sse.LoadVector128(ss0 + 2 * nb + b), c2);
            }
            if (TCount.Value > 3)
            {
                a3 = Quad(a3, n0, n1, n2, n3, q0 + 3 * qStride + b * 32, Sse.Multiply(dw, Sse.LoadVector128(d0 + 3 * nb + b)));
                c3 = Fma.MultiplyAdd(dw, Sse.LoadVector128(ss0 + 3 * nb + b), c3);
            }
        }
        // Q4_0's −8 offset: −8 · Σ_b d_w · d_x · Σx.
        float t0 = Simd.Sum(a0) - 8 * Simd.Sum(c0), t1 = Simd.Sum(a1) - 8 * Simd.Sum(c1);
        float t2 = Simd.Sum(a2) - 8 * Simd.Sum(c2), t3 = Simd.Sum(a3) - 8 * Simd.Sum(c3);
        for (; b < nb; b++, w += bs)
        {
            float dw = HalfBits.ToSingle(*(ushort*)w);
            var nib = Nibbles(w + 2);
            t0 += dw * d0[b] * One(nib, q0 + b * 32, o0 + b * 8);
            if (TCount.Value > 1)
            {
                t1 += dw * d0[nb + b] * One(nib, q0 + qStride + b * 32, o0 + oStride + b * 8);
            }
            if (TCount.Value > 2)
            {
                t2 += dw * d0[2 * nb + b] * One(nib, q0 + 2 * qStride + b * 32, o0 + 2 * oStride + b * 8);
            }
            if (TCount.Value > 3)
            {
                t3 += dw * d0[3 * nb + b] * One(nib, q0 + 3 * qStride + b * 32, o0 + 3 * oStride + b * 8);
            }
        }
        Simd.Store<TCount>(dst, t0, t1, t2, t3);
    }

    /// <summary>AVX-512BW: two blocks per 512-bit step (nibbles reordered to [b0 lo, b0 hi, b1 lo, b1 hi]); odd tail via 256-bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx512Path<TCount>(byte* w, in Q8Activations x, int token, float* dst) where TCount : struct, ITokenCount
    {
        int nb = x.Blocks;
        sbyte* q0 = x.QsOf(token);
        float* d0 = x.ScalesOf(token);
        int* o0 = x.OffsetsOf(token);
        long qStride = (long)nb * 32, oStride = (long)nb * 8;
        var a0 = Vector512<float>.Zero;
        var a1 = Vector512<float>.Zero;
        var a2 = Vector512<float>.Zero;
        var a3 = Vector512<float>.Zero;
        var order = Vector512.Create(0ul, 1, 4, 5, 2, 3, 6, 7);
        var mask = Vector512.Create((byte)0x0F);
        int b = 0;
        for (; b + 1 < nb; b += 2, w += 2 * BlockLayout.Q4_0Bytes)
        {
            float dw0 = HalfBits.ToSingle(*(ushort*)w);
            float dw1 = HalfBits.ToSingle(*(ushort*)(w + BlockLayout.Q4_0Bytes));
            var raw = Vector256.Create(Sse2.LoadVector128(w + 2), Sse2.LoadVector128(w + 2 + BlockLayout.Q4_0Bytes));
            var both = Vector512.Create(raw, Avx2.ShiftRightLogical(raw.AsUInt16(), 4).AsByte());
            var nib = Avx512F.And(Avx512F.PermuteVar8x64(both.AsUInt64(), order).AsByte(), mask);
            var p0 = Avx512F.ConvertToVector512Single(Simd.DotU8S8(Avx512F.LoadVector512(o0 + b * 8), nib, Avx512F.LoadVector512(q0 + b * 32)));
            a0 = Avx512F.FusedMultiplyAdd(p0, Simd.Broadcast2(dw0 * d0[b], dw1 * d0[b + 1]), a0);
            if (TCount.Value > 1)
            {
                var p1 = Avx512F.ConvertToVector512Single(Simd.DotU8S8(Avx512F.LoadVector512(o0 + oStride + b * 8), nib, Avx512F.LoadVector512(q0 + qStride + b * 32)));
                a1 = Avx512F.FusedMultiplyAdd(p1, Simd.Broadcast2(dw0 * d0[nb + b], dw1 * d0[nb + b + 1]), a1);
            }
            if (TCount.Value > 2)
            {
                var p2 = Avx512F.ConvertToVector512Single(Simd.DotU8S8(Avx512F.LoadVector512(o0 + 2 * oStride + b * 8), nib, Avx512F.LoadVector512(q0 + 2 * qStride + b * 32)));
                a2 = Avx512F.FusedMultiplyAdd(p2, Simd.Broadcast2(dw0 * d0[2 * nb + b], dw1 * d0[2 * nb + b + 1]), a2);
            }
            if (TCount.Value > 3)
            {
                var p3 = Avx512F.ConvertToVector512Single(Simd.DotU8S8(Avx512F.LoadVector512(o0 + 3 * oStride + b * 8), nib, Avx512F.LoadVector512(q0 + 3 * qStride + b * 32)));
                a3 = Avx512F.FusedMultiplyAdd(p3, Simd.Broadcast2(dw0 * d0[3 * nb + b], dw1 * d0[3 * nb + b + 1]), a3);
            }
        }
        float t0 = Simd.Sum(a0), t1 = Simd.Sum(a1), t2 = Simd.Sum(a2), t3 = Simd.Sum(a3);
        if (b < nb)
        {
            float dw = HalfBits.ToSingle(*(ushort*)w);
            var nib = Nibbles(w + 2);
            t0 += dw * d0[b] * Simd.Sum(Avx.ConvertToVector256Single(Simd.DotU8S8(Avx.LoadVector256(o0 + b * 8), nib, Avx.LoadVector256(q0 + b * 32))));
            if (TCount.Value > 1)
            {
                t1 += dw * d0[nb + b] * Simd.Sum(Avx.ConvertToVector256Single(Simd.DotU8S8(Avx.LoadVector256(o0 + oStride + b * 8), nib, Avx.LoadVector256(q0 + qStride + b * 32))));
            }
            if (TCount.Value > 2)
            {
                t2 += dw * d0[2 * nb + b] * Simd.Sum(Avx.ConvertToVector256Single(Simd.DotU8S8(Avx.LoadVector256(o0 + 2 * oStride + b * 8), nib, Avx.LoadVector256(q0 + 2 * qStride + b * 32))));
            }
            if (TCount.Value > 3)
            {
                t3 += dw * d0[3 * nb + b] * Simd.Sum(Avx.ConvertToVector256Single(Simd.DotU8S8(Avx.LoadVector256(o0 + 3 * oStride + b * 8), nib, Avx.LoadVector256(q0 + 3 * qStride + b * 32))));
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

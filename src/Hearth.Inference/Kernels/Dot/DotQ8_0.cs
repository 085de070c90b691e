using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Hearth.Inference.Gguf;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Q8_0 weight row · Q8 activations. Per block: Σ w·x in int32 (exact), times d_w·d_x in float.
/// The SIMD paths feed |w| (unsigned) and sign(w)·x to the u8×s8 dot instruction.
/// </summary>
internal static unsafe class DotQ8_0
{
    /// <summary>Most tokens one <see cref="Avx2Rows"/> call takes.</summary>
    public const int MaxTokens = 8;

    /// <summary>Scalar reference twin.</summary>
    public static float Scalar(byte* w, in Q8Activations x, int token)
    {
        float sum = 0;
        for (int b = 0; b < x.Blocks; b++, w += BlockLayout.Q8_0Bytes)
        {
            int acc = 0;
            for (int i = 0; i < 32; i++)
            {
                acc += (sbyte)w[2 + i] * x.Quant(token, b, i);
            }
            sum += acc * (HalfBits.ToSingle(*(ushort*)w) * x.Scale(token, b));
        }
        return sum;
    }

    /// <summary>
    /// Blocks A and B (at <paramref name="a"/>, 34 bytes apart) as [A 0..15 | B 0..15] and [A 16..31 | B 16..31]; of a ragged
    /// group's <paramref name="blocks"/>, those past the end read as zero (nothing past them is touched).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Pair(byte* a, int index, int blocks, out Vector256<sbyte> low, out Vector256<sbyte> high)
    {
        if (2 * index + 1 < blocks)
        {
            low = Vector256.Create(Sse2.LoadVector128((sbyte*)(a + 2)), Sse2.LoadVector128((sbyte*)(a + BlockLayout.Q8_0Bytes + 2)));
            high = Vector256.Create(Sse2.LoadVector128((sbyte*)(a + 18)), Sse2.LoadVector128((sbyte*)(a + BlockLayout.Q8_0Bytes + 18)));
        }
        else if (2 * index < blocks)
        {
            low = Sse2.LoadVector128((sbyte*)(a + 2)).ToVector256();
            high = Sse2.LoadVector128((sbyte*)(a + 18)).ToVector256();
        }
        else
        {
            low = Vector256<sbyte>.Zero;
            high = Vector256<sbyte>.Zero;
        }
    }

    /// <summary>Σ w·x of a pair of blocks as int32 [A × 4 | B × 4]: |w| · (x with w's sign), each half widened by vpmaddwd.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> PairDot(Vector256<sbyte> wl, Vector256<sbyte> wh, Vector256<byte> ul, Vector256<byte> uh, sbyte* q)
    {
        var sl = Avx2.Sign(Avx.LoadVector256(q), wl);
        var sh = Avx2.Sign(Avx.LoadVector256(q + 32), wh);
        if (AvxVnni.IsSupported)
        {
            return AvxVnni.MultiplyWideningAndAdd(AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, ul, sl), uh, sh);
        }
        // Each int16 pair sum is ≤ 2·128·127 = 32512: no room to add two before widening.
        var ones = Vector256.Create((short)1);
        return Avx2.Add(Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ul, sl), ones), Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(uh, sh), ones));
    }

    /// <summary>One token's group of 8 blocks: the exact block sums in lane order, times d_w·d_x, added to <paramref name="acc"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Group<TPairs>(Vector256<float> acc, Vector256<float> dw,
        Vector256<sbyte> wl0, Vector256<sbyte> wh0, Vector256<sbyte> wl1, Vector256<sbyte> wh1,
        Vector256<sbyte> wl2, Vector256<sbyte> wh2, Vector256<sbyte> wl3, Vector256<sbyte> wh3,
        Vector256<byte> ul0, Vector256<byte> uh0, Vector256<byte> ul1, Vector256<byte> uh1,
        Vector256<byte> ul2, Vector256<byte> uh2, Vector256<byte> ul3, Vector256<byte> uh3,
        sbyte* q, float* d)
        where TPairs : struct, ITokenCount
    {
        var p0 = PairDot(wl0, wh0, ul0, uh0, q);
        var p1 = TPairs.Value < 2 ? Vector256<int>.Zero : PairDot(wl1, wh1, ul1, uh1, q + 64);
        var p2 = TPairs.Value < 3 ? Vector256<int>.Zero : PairDot(wl2, wh2, ul2, uh2, q + 128);
        var p3 = TPairs.Value < 4 ? Vector256<int>.Zero : PairDot(wl3, wh3, ul3, uh3, q + 192);
        // [A B pairs] → [0 0 2 2 | 1 1 3 3] → [0 2 4 6 | 1 3 5 7].
        var sums = Avx2.HorizontalAdd(Avx2.HorizontalAdd(p0, p1), Avx2.HorizontalAdd(p2, p3));
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(sums), Avx.Multiply(dw, Avx.LoadVector256(d)), acc);
    }

    /// <summary>
    /// AVX2 (+AVX-VNNI when present): one weight row against <typeparamref name="TCount"/> tokens from <paramref name="token"/>
    /// (see <see cref="Avx2Rows"/>).
    /// </summary>
    public static void Avx2Path<TCount>(byte* w, in Q8Activations x, int token, float* dst) where TCount : struct, ITokenCount =>
        Avx2Rows(w, 1, 0, x, token, TCount.Value, dst, 1);

    /// <summary>
    /// AVX2 (+AVX-VNNI when present): <paramref name="rows"/> weight rows (<paramref name="rowBytes"/> apart) against
    /// <paramref name="tokens"/> (1..<see cref="MaxTokens"/>) tokens from <paramref name="token"/>; row r, token t goes to
    /// <c>y[t·yStride + r]</c>. Each row goes in groups of 8 blocks whose weights are loaded once for all the tokens.
    /// Every group, the ragged last one included (absent blocks are zero weights with zero scales against zero padding),
    /// takes the same float steps per token, so a token's result does not depend on how many tokens share the call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx2Rows(byte* w, int rows, long rowBytes, in Q8Activations x, int token, int tokens, float* y, long yStride)
    {
        const int bs = BlockLayout.Q8_0Bytes;
        int nb = x.Blocks, full = nb / 8, ragged = nb - 8 * full;
        sbyte* q0 = x.QsOf(token);
        float* d0 = x.ScalesOf(token);
        long qStride = (long)x.PaddedBlocks * 32;
        int sStride = x.PaddedBlocks;
        var acc = stackalloc Vector256<float>[MaxTokens];
        for (int r = 0; r < rows; r++, y++)
        {
            byte* wr = w + r * rowBytes;
            sbyte* q = q0;
            float* d = d0;
            for (int t = 0; t < tokens; t++)
            {
                acc[t] = Vector256<float>.Zero;
            }
            for (int g = 0; g < full; g++, wr += 8 * bs, q += 256, d += 8)
            {
                Sse.Prefetch0(wr + 1024);
                Sse.Prefetch0(wr + 1088);
                Sse.Prefetch0(wr + 1152);
                Sse.Prefetch0(wr + 1216);
                Sse.Prefetch0(wr + 1280);
                Step<FourTokens>(wr, 8, q, d, qStride, sStride, tokens, acc);
            }
            if (ragged > 0)
            {
                Ragged(wr, ragged, q, d, qStride, sStride, tokens, acc);
            }
            for (int t = 0; t < tokens; t++)
            {
                y[t * yStride] = Simd.Sum(acc[t]);
            }
        }
    }

    /// <summary>A ragged last group of <paramref name="blocks"/> (1..7), specialised by its pair count.</summary>
    private static void Ragged(byte* w, int blocks, sbyte* q, float* d, long qStride, int sStride, int tokens, Vector256<float>* acc)
    {
        switch (blocks)
        {
            case 1 or 2:
                RaggedStep<OneToken>(w, blocks, q, d, qStride, sStride, tokens, acc);
                break;
            case 3 or 4:
                RaggedStep<TwoTokens>(w, blocks, q, d, qStride, sStride, tokens, acc);
                break;
            case 5 or 6:
                RaggedStep<ThreeTokens>(w, blocks, q, d, qStride, sStride, tokens, acc);
                break;
            default:
                RaggedStep<FourTokens>(w, 7, q, d, qStride, sStride, tokens, acc);
                break;
        }
    }

    /// <summary>A panel's ragged last group (<paramref name="blocks"/> of 8): its prepared pairs, specialised by pair count.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PanelRagged(byte* p, int blocks, sbyte* q, float* d, long qStride, int sStride, int tokens, Vector256<float>* acc)
    {
        switch ((blocks + 1) / 2)
        {
            case 1:
                PanelRaggedStep<OneToken>(p, q, d, qStride, sStride, tokens, acc);
                break;
            case 2:
                PanelRaggedStep<TwoTokens>(p, q, d, qStride, sStride, tokens, acc);
                break;
            case 3:
                PanelRaggedStep<ThreeTokens>(p, q, d, qStride, sStride, tokens, acc);
                break;
            default:
                PanelRaggedStep<FourTokens>(p, q, d, qStride, sStride, tokens, acc);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PanelRaggedStep<TPairs>(byte* p, sbyte* q, float* d, long qStride, int sStride, int tokens, Vector256<float>* acc)
        where TPairs : struct, ITokenCount
    {
        var dw = Avx.LoadVector256((float*)p);
        var wl0 = Avx.LoadVector256((sbyte*)p + 32);
        var wh0 = Avx.LoadVector256((sbyte*)p + 64);
        var ul0 = Avx.LoadVector256(p + 96);
        var uh0 = Avx.LoadVector256(p + 128);
        var wl1 = Avx.LoadVector256((sbyte*)p + 160);
        var wh1 = Avx.LoadVector256((sbyte*)p + 192);
        var ul1 = Avx.LoadVector256(p + 224);
        var uh1 = Avx.LoadVector256(p + 256);
        var wl2 = Avx.LoadVector256((sbyte*)p + 288);
        var wh2 = Avx.LoadVector256((sbyte*)p + 320);
        var ul2 = Avx.LoadVector256(p + 352);
        var uh2 = Avx.LoadVector256(p + 384);
        var wl3 = Avx.LoadVector256((sbyte*)p + 416);
        var wh3 = Avx.LoadVector256((sbyte*)p + 448);
        var ul3 = Avx.LoadVector256(p + 480);
        var uh3 = Avx.LoadVector256(p + 512);
        for (int t = 0; t < tokens; t++)
        {
            acc[t] = Group<TPairs>(acc[t], dw, wl0, wh0, wl1, wh1, wl2, wh2, wl3, wh3, ul0, uh0, ul1, uh1, ul2, uh2, ul3, uh3,
                q + t * qStride, d + t * sStride);
        }
    }

    /// <summary>
    /// The ragged last group (<paramref name="blocks"/> of 8 present, in <typeparamref name="TPairs"/> pairs), out of line so
    /// that the hot loop stays small enough for the JIT to keep it in registers. Absent pairs are skipped: their integer
    /// sums are zero, exactly as if computed.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RaggedStep<TPairs>(byte* w, int blocks, sbyte* q, float* d, long qStride, int sStride, int tokens, Vector256<float>* acc)
        where TPairs : struct, ITokenCount =>
        Step<TPairs>(w, blocks, q, d, qStride, sStride, tokens, acc);

    /// <summary>One group (<paramref name="blocks"/> of 8 present, in <typeparamref name="TPairs"/> pairs) for the tokens.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TPairs>(byte* w, int blocks, sbyte* q, float* d, long qStride, int sStride, int tokens, Vector256<float>* acc)
        where TPairs : struct, ITokenCount
    {
        const int bs = BlockLayout.Q8_0Bytes;
        var dw = blocks == 8 ? Simd.GroupScales(w, bs) : Simd.GroupScales(w, bs, blocks);
        Pair(w, 0, blocks, out var wl0, out var wh0);
        Pair(w + 2 * bs, 1, blocks, out var wl1, out var wh1);
        Pair(w + 4 * bs, 2, blocks, out var wl2, out var wh2);
        Pair(w + 6 * bs, 3, blocks, out var wl3, out var wh3);
        var ul0 = Avx2.Abs(wl0);
        var uh0 = Avx2.Abs(wh0);
        var ul1 = Avx2.Abs(wl1);
        var uh1 = Avx2.Abs(wh1);
        var ul2 = Avx2.Abs(wl2);
        var uh2 = Avx2.Abs(wh2);
        var ul3 = Avx2.Abs(wl3);
        var uh3 = Avx2.Abs(wh3);
        for (int t = 0; t < tokens; t++)
        {
            acc[t] = Group<TPairs>(acc[t], dw, wl0, wh0, wl1, wh1, wl2, wh2, wl3, wh3, ul0, uh0, ul1, uh1, ul2, uh2, ul3, uh3, q + t * qStride, d + t * sStride);
        }
    }

    /// <summary>
    /// Panel kernel (prefill): <paramref name="rows"/> rows of a <see cref="WeightPanel"/> against <paramref name="tokens"/>
    /// (1..<see cref="MaxTokens"/>) tokens from <paramref name="token"/>, row r and token t to <c>y[t·yStride + r]</c>. Each
    /// whole group's 8 exact block sums come from vertical adds of the interleaved vectors, in the same lanes as
    /// <see cref="Avx2Rows"/>, and take the same float steps; a ragged last group runs the direct kernel's pair steps on
    /// the panel's prepared pairs. So the results are bit-identical to <see cref="Avx2Rows"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PanelRows(byte* panel, int rows, in Q8Activations x, int token, int tokens, float* y, long yStride)
    {
        int groups = x.Blocks / 8, ragged = x.Blocks - 8 * groups;
        long panelRow = WeightPanel.RowBytes(GgmlType.Q8_0, x.Blocks);
        sbyte* x0 = x.InterleavedOf(token);
        float* d0 = x.ScalesOf(token);
        long qStride = (long)x.PaddedBlocks * 32;
        int sStride = x.PaddedBlocks;
        var acc = stackalloc Vector256<float>[MaxTokens];
        for (int r = 0; r < rows; r++, y++)
        {
            byte* p = panel + r * panelRow;
            for (int t = 0; t < tokens; t++)
            {
                acc[t] = Vector256<float>.Zero;
            }
            for (int g = 0; g < groups; g++, p += 544)
            {
                var dw = Avx.LoadVector256((float*)p);
                var u0 = Avx.LoadVector256(p + 32);
                var u1 = Avx.LoadVector256(p + 64);
                var u2 = Avx.LoadVector256(p + 96);
                var u3 = Avx.LoadVector256(p + 128);
                var u4 = Avx.LoadVector256(p + 160);
                var u5 = Avx.LoadVector256(p + 192);
                var u6 = Avx.LoadVector256(p + 224);
                var u7 = Avx.LoadVector256(p + 256);
                var s0 = Avx.LoadVector256((sbyte*)p + 288);
                var s1 = Avx.LoadVector256((sbyte*)p + 320);
                var s2 = Avx.LoadVector256((sbyte*)p + 352);
                var s3 = Avx.LoadVector256((sbyte*)p + 384);
                var s4 = Avx.LoadVector256((sbyte*)p + 416);
                var s5 = Avx.LoadVector256((sbyte*)p + 448);
                var s6 = Avx.LoadVector256((sbyte*)p + 480);
                var s7 = Avx.LoadVector256((sbyte*)p + 512);
                long gq = g * 256L;
                int gs = g * 8;
                // Two tokens per iteration: their independent chains sit side by side in the scheduler (one token's group
                // is a ~22-cycle dependency chain of ~34 ops).
                int t = 0;
                for (; t + 1 < tokens; t += 2)
                {
                    sbyte* q = x0 + t * qStride + gq;
                    sbyte* q1 = q + qStride;
                    var a = Avx2.Add(Avx2.Add(Run(u0, s0, q), Run(u1, s1, q + 32)), Avx2.Add(Run(u2, s2, q + 64), Run(u3, s3, q + 96)));
                    var b = Avx2.Add(Avx2.Add(Run(u0, s0, q1), Run(u1, s1, q1 + 32)), Avx2.Add(Run(u2, s2, q1 + 64), Run(u3, s3, q1 + 96)));
                    a = Avx2.Add(a, Avx2.Add(Avx2.Add(Run(u4, s4, q + 128), Run(u5, s5, q + 160)), Avx2.Add(Run(u6, s6, q + 192), Run(u7, s7, q + 224))));
                    b = Avx2.Add(b, Avx2.Add(Avx2.Add(Run(u4, s4, q1 + 128), Run(u5, s5, q1 + 160)), Avx2.Add(Run(u6, s6, q1 + 192), Run(u7, s7, q1 + 224))));
                    float* d = d0 + t * sStride + gs;
                    acc[t] = Fma.MultiplyAdd(Avx.ConvertToVector256Single(a), Avx.Multiply(dw, Avx.LoadVector256(d)), acc[t]);
                    acc[t + 1] = Fma.MultiplyAdd(Avx.ConvertToVector256Single(b), Avx.Multiply(dw, Avx.LoadVector256(d + sStride)), acc[t + 1]);
                }
                if (t < tokens)
                {
                    sbyte* q = x0 + t * qStride + gq;
                    var a = Avx2.Add(Avx2.Add(Run(u0, s0, q), Run(u1, s1, q + 32)), Avx2.Add(Run(u2, s2, q + 64), Run(u3, s3, q + 96)));
                    a = Avx2.Add(a, Avx2.Add(Avx2.Add(Run(u4, s4, q + 128), Run(u5, s5, q + 160)), Avx2.Add(Run(u6, s6, q + 192), Run(u7, s7, q + 224))));
                    acc[t] = Fma.MultiplyAdd(Avx.ConvertToVector256Single(a), Avx.Multiply(dw, Avx.LoadVector256(d0 + t * sStride + gs)), acc[t]);
                }
            }
            if (ragged > 0)
            {
                PanelRagged(p, ragged, x.QsOf(token) + groups * 256L, d0 + groups * 8, qStride, sStride, tokens, acc);
            }
            for (int t = 0; t < tokens; t++)
            {
                y[t * yStride] = Simd.Sum(acc[t]);
            }
        }
    }

    /// <summary>One interleaved vector: Σ of 4 products |w|·(x with w's sign) per int32 lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Run(Vector256<byte> u, Vector256<sbyte> s, sbyte* q)
    {
        var signed = Avx2.Sign(Avx.LoadVector256(q), s);
        if (AvxVnni.IsSupported)
        {
            return AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, u, signed);
        }
        return Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u, signed), Vector256.Create((short)1));
    }

    /// <summary>
    /// AVX-512BW: a pair of blocks per 512-bit step, reordered to [A 0..15 | B 0..15 | A 16..31 | B 16..31] to match the
    /// activations' pair layout; an odd last block is paired with zero weights.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx512Path<TCount>(byte* w, in Q8Activations x, int token, float* dst) where TCount : struct, ITokenCount
    {
        const int bs = BlockLayout.Q8_0Bytes;
        int nb = x.Blocks;
        sbyte* q0 = x.QsOf(token);
        long qStride = (long)x.PaddedBlocks * 32;
        var a0 = Vector512<float>.Zero;
        var a1 = Vector512<float>.Zero;
        var a2 = Vector512<float>.Zero;
        var a3 = Vector512<float>.Zero;
        var order = Vector512.Create(0ul, 1, 4, 5, 2, 3, 6, 7);
        for (int b = 0; b < nb; b += 2, w += 2 * bs)
        {
            bool pair = b + 1 < nb;
            float dw0 = HalfBits.ToSingle(*(ushort*)w);
            float dw1 = pair ? HalfBits.ToSingle(*(ushort*)(w + bs)) : 0f;
            var both = Vector512.Create(Avx.LoadVector256((sbyte*)(w + 2)), pair ? Avx.LoadVector256((sbyte*)(w + bs + 2)) : Vector256<sbyte>.Zero);
            var wv = Avx512F.PermuteVar8x64(both.AsUInt64(), order).AsSByte();
            var aw = Avx512BW.Abs(wv);
            var negative = Vector512.LessThan(wv, Vector512<sbyte>.Zero);
            long qo = b * 32L;
            a0 = Step(a0, aw, negative, q0 + qo, dw0 * x.Scale(token, b), dw1 * x.Scale(token, b + 1));
            if (TCount.Value > 1)
            {
                a1 = Step(a1, aw, negative, q0 + qStride + qo, dw0 * x.Scale(token + 1, b), dw1 * x.Scale(token + 1, b + 1));
            }
            if (TCount.Value > 2)
            {
                a2 = Step(a2, aw, negative, q0 + 2 * qStride + qo, dw0 * x.Scale(token + 2, b), dw1 * x.Scale(token + 2, b + 1));
            }
            if (TCount.Value > 3)
            {
                a3 = Step(a3, aw, negative, q0 + 3 * qStride + qo, dw0 * x.Scale(token + 3, b), dw1 * x.Scale(token + 3, b + 1));
            }
        }
        Simd.Store<TCount>(dst, Simd.Sum(a0), Simd.Sum(a1), Simd.Sum(a2), Simd.Sum(a3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Step(Vector512<float> acc, Vector512<byte> aw, Vector512<sbyte> negative, sbyte* q, float sa, float sb)
    {
        var xv = Avx512F.LoadVector512(q);
        var p = Avx512F.ConvertToVector512Single(Simd.DotU8S8(Vector512<int>.Zero, aw, Vector512.ConditionalSelect(negative, -xv, xv)));
        return Avx512F.FusedMultiplyAdd(p, Simd.PairLanes(sa, sb), acc);
    }
}

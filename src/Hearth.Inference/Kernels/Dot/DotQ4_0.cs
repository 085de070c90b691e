using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Hearth.Inference.Gguf;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Q4_0 weight row · Q8 activations. The SIMD paths multiply the unsigned nibbles (0..15) directly with the signed quants and
/// start each block's integer accumulator at the activations' precomputed −8·Σx, which applies Q4_0's −8 offset exactly.
/// </summary>
internal static unsafe class DotQ4_0
{
    /// <summary>Most tokens one <see cref="Avx2Rows"/> call takes.</summary>
    public const int MaxTokens = 8;

    /// <summary>Scalar reference twin.</summary>
    public static float Scalar(byte* w, in Q8Activations x, int token)
    {
        float sum = 0;
        for (int b = 0; b < x.Blocks; b++, w += BlockLayout.Q4_0Bytes)
        {
            int acc = 0;
            for (int j = 0; j < 16; j++)
            {
                acc += ((w[2 + j] & 0xF) - 8) * x.Quant(token, b, j);
                acc += ((w[2 + j] >> 4) - 8) * x.Quant(token, b, j + 16);
            }
            sum += acc * (HalfBits.ToSingle(*(ushort*)w) * x.Scale(token, b));
        }
        return sum;
    }

    /// <summary>
    /// The nibbles of blocks A and B (at <paramref name="a"/>, 18 bytes apart) as [A 0..15 | B 0..15] and [A 16..31 | B 16..31];
    /// of a ragged group's <paramref name="blocks"/>, those past the end read as zero (nothing past them is touched).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Pair(byte* a, int index, int blocks, out Vector256<byte> low, out Vector256<byte> high)
    {
        Vector256<byte> raw;
        if (2 * index + 1 < blocks)
        {
            raw = Vector256.Create(Sse2.LoadVector128(a + 2), Sse2.LoadVector128(a + BlockLayout.Q4_0Bytes + 2));
        }
        else if (2 * index < blocks)
        {
            raw = Sse2.LoadVector128(a + 2).ToVector256();
        }
        else
        {
            raw = Vector256<byte>.Zero;
        }
        var mask = Vector256.Create((byte)0x0F);
        low = Avx2.And(raw, mask);
        high = Avx2.And(Avx2.ShiftRightLogical(raw.AsUInt16(), 4).AsByte(), mask);
    }

    /// <summary>
    /// One token's group of 8 blocks: the exact integer sums Σ (nibble − 8)·x of the 8 blocks in lane order (the −8 enters
    /// through the activations' −8·Σx), times d_w·d_x, added to <paramref name="acc"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Group<TPairs>(Vector256<float> acc, Vector256<float> dw,
        Vector256<byte> l0, Vector256<byte> h0, Vector256<byte> l1, Vector256<byte> h1,
        Vector256<byte> l2, Vector256<byte> h2, Vector256<byte> l3, Vector256<byte> h3,
        sbyte* q, float* d, int* o)
        where TPairs : struct, ITokenCount
    {
        Vector256<int> sums;
        if (AvxVnni.IsSupported)
        {
            var p0 = AvxVnni.MultiplyWideningAndAdd(AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, l0, Avx.LoadVector256(q)), h0, Avx.LoadVector256(q + 32));
            var p1 = TPairs.Value < 2 ? Vector256<int>.Zero : AvxVnni.MultiplyWideningAndAdd(AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, l1, Avx.LoadVector256(q + 64)), h1, Avx.LoadVector256(q + 96));
            var p2 = TPairs.Value < 3 ? Vector256<int>.Zero : AvxVnni.MultiplyWideningAndAdd(AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, l2, Avx.LoadVector256(q + 128)), h2, Avx.LoadVector256(q + 160));
            var p3 = TPairs.Value < 4 ? Vector256<int>.Zero : AvxVnni.MultiplyWideningAndAdd(AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, l3, Avx.LoadVector256(q + 192)), h3, Avx.LoadVector256(q + 224));
            sums = Avx2.HorizontalAdd(Avx2.HorizontalAdd(p0, p1), Avx2.HorizontalAdd(p2, p3));
        }
        else
        {
            // int16 pair sums of nibble·x are ≤ 2·15·127 = 3810, so the sums of 2, 4 and 8 of them (≤ 30480) stay exact in
            // int16 through the two horizontal adds; one vpmaddwd widens the last pairs.
            var p0 = Avx2.Add(Avx2.MultiplyAddAdjacent(l0, Avx.LoadVector256(q)), Avx2.MultiplyAddAdjacent(h0, Avx.LoadVector256(q + 32)));
            var p1 = TPairs.Value < 2 ? Vector256<short>.Zero : Avx2.Add(Avx2.MultiplyAddAdjacent(l1, Avx.LoadVector256(q + 64)), Avx2.MultiplyAddAdjacent(h1, Avx.LoadVector256(q + 96)));
            var p2 = TPairs.Value < 3 ? Vector256<short>.Zero : Avx2.Add(Avx2.MultiplyAddAdjacent(l2, Avx.LoadVector256(q + 128)), Avx2.MultiplyAddAdjacent(h2, Avx.LoadVector256(q + 160)));
            var p3 = TPairs.Value < 4 ? Vector256<short>.Zero : Avx2.Add(Avx2.MultiplyAddAdjacent(l3, Avx.LoadVector256(q + 192)), Avx2.MultiplyAddAdjacent(h3, Avx.LoadVector256(q + 224)));
            var r = Avx2.HorizontalAdd(Avx2.HorizontalAdd(p0, p1), Avx2.HorizontalAdd(p2, p3));
            sums = Avx2.MultiplyAddAdjacent(r, Vector256.Create((short)1));
        }
        sums = Avx2.Add(sums, Avx.LoadVector256(o));
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
    /// <c>y[t·yStride + r]</c>. Each row goes in groups of 8 blocks whose weights are unpacked once for all the tokens.
    /// Every group, the ragged last one included (absent blocks are zero weights with zero scales against zero padding),
    /// takes the same float steps per token, so a token's result does not depend on how many tokens share the call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx2Rows(byte* w, int rows, long rowBytes, in Q8Activations x, int token, int tokens, float* y, long yStride)
    {
        const int bs = BlockLayout.Q4_0Bytes;
        int nb = x.Blocks, full = nb / 8, ragged = nb - 8 * full;
        sbyte* q0 = x.QsOf(token);
        float* d0 = x.ScalesOf(token);
        int* o0 = x.OffsetsOf(token);
        long qStride = (long)x.PaddedBlocks * 32;
        int sStride = x.PaddedBlocks;
        var acc = stackalloc Vector256<float>[MaxTokens];
        for (int r = 0; r < rows; r++, y++)
        {
            byte* wr = w + r * rowBytes;
            sbyte* q = q0;
            float* d = d0;
            int* o = o0;
            for (int t = 0; t < tokens; t++)
            {
                acc[t] = Vector256<float>.Zero;
            }
            for (int g = 0; g < full; g++, wr += 8 * bs, q += 256, d += 8, o += 8)
            {
                Sse.Prefetch0(wr + 1024);
                Sse.Prefetch0(wr + 1088);
                Sse.Prefetch0(wr + 1152);
                Step<FourTokens>(wr, 8, q, d, o, qStride, sStride, tokens, acc);
            }
            if (ragged > 0)
            {
                Ragged(wr, ragged, q, d, o, qStride, sStride, tokens, acc);
            }
            for (int t = 0; t < tokens; t++)
            {
                y[t * yStride] = Simd.Sum(acc[t]);
            }
        }
    }

    /// <summary>A ragged last group of <paramref name="blocks"/> (1..7), specialised by its pair count.</summary>
    private static void Ragged(byte* w, int blocks, sbyte* q, float* d, int* o, long qStride, int sStride, int tokens, Vector256<float>* acc)
    {
        switch (blocks)
        {
            case 1 or 2:
                RaggedStep<OneToken>(w, blocks, q, d, o, qStride, sStride, tokens, acc);
                break;
            case 3 or 4:
                RaggedStep<TwoTokens>(w, blocks, q, d, o, qStride, sStride, tokens, acc);
                break;
            case 5 or 6:
                RaggedStep<ThreeTokens>(w, blocks, q, d, o, qStride, sStride, tokens, acc);
                break;
            default:
                RaggedStep<FourTokens>(w, 7, q, d, o, qStride, sStride, tokens, acc);
                break;
        }
    }

    /// <summary>A panel's ragged last group (<paramref name="blocks"/> of 8): its prepared pairs, specialised by pair count.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PanelRagged(byte* p, int blocks, sbyte* q, float* d, int* o, long qStride, int sStride, int tokens, Vector256<float>* acc)
    {
        switch ((blocks + 1) / 2)
        {
            case 1:
                PanelRaggedStep<OneToken>(p, q, d, o, qStride, sStride, tokens, acc);
                break;
            case 2:
                PanelRaggedStep<TwoTokens>(p, q, d, o, qStride, sStride, tokens, acc);
                break;
            case 3:
                PanelRaggedStep<ThreeTokens>(p, q, d, o, qStride, sStride, tokens, acc);
                break;
            default:
                PanelRaggedStep<FourTokens>(p, q, d, o, qStride, sStride, tokens, acc);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PanelRaggedStep<TPairs>(byte* p, sbyte* q, float* d, int* o, long qStride, int sStride, int tokens, Vector256<float>* acc)
        where TPairs : struct, ITokenCount
    {
        var dw = Avx.LoadVector256((float*)p);
        var l0 = Avx.LoadVector256(p + 32);
        var h0 = Avx.LoadVector256(p + 64);
        var l1 = Avx.LoadVector256(p + 96);
        var h1 = Avx.LoadVector256(p + 128);
        var l2 = Avx.LoadVector256(p + 160);
        var h2 = Avx.LoadVector256(p + 192);
        var l3 = Avx.LoadVector256(p + 224);
        var h3 = Avx.LoadVector256(p + 256);
        for (int t = 0; t < tokens; t++)
        {
            acc[t] = Group<TPairs>(acc[t], dw, l0, h0, l1, h1, l2, h2, l3, h3, q + t * qStride, d + t * sStride, o + t * sStride);
        }
    }

    /// <summary>
    /// The ragged last group (<paramref name="blocks"/> of 8 present, in <typeparamref name="TPairs"/> pairs), out of line so
    /// that the hot loop stays small enough for the JIT to keep it in registers. Absent pairs are skipped: their integer
    /// sums are zero, exactly as if computed.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RaggedStep<TPairs>(byte* w, int blocks, sbyte* q, float* d, int* o, long qStride, int sStride, int tokens, Vector256<float>* acc)
        where TPairs : struct, ITokenCount =>
        Step<TPairs>(w, blocks, q, d, o, qStride, sStride, tokens, acc);

    /// <summary>One group (<paramref name="blocks"/> of 8 present, in <typeparamref name="TPairs"/> pairs) for the tokens.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TPairs>(byte* w, int blocks, sbyte* q, float* d, int* o, long qStride, int sStride, int tokens, Vector256<float>* acc)
        where TPairs : struct, ITokenCount
    {
        const int bs = BlockLayout.Q4_0Bytes;
        var dw = blocks == 8 ? Simd.GroupScales(w, bs) : Simd.GroupScales(w, bs, blocks);
        Pair(w, 0, blocks, out var l0, out var h0);
        Pair(w + 2 * bs, 1, blocks, out var l1, out var h1);
        Pair(w + 4 * bs, 2, blocks, out var l2, out var h2);
        Pair(w + 6 * bs, 3, blocks, out var l3, out var h3);
        for (int t = 0; t < tokens; t++)
        {
            acc[t] = Group<TPairs>(acc[t], dw, l0, h0, l1, h1, l2, h2, l3, h3, q + t * qStride, d + t * sStride, o + t * sStride);
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
        long panelRow = WeightPanel.RowBytes(GgmlType.Q4_0, x.Blocks);
        sbyte* x0 = x.InterleavedOf(token);
        float* d0 = x.ScalesOf(token);
        int* o0 = x.OffsetsOf(token);
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
            for (int g = 0; g < groups; g++, p += 288)
            {
                var dw = Avx.LoadVector256((float*)p);
                var w0 = Avx.LoadVector256(p + 32);
                var w1 = Avx.LoadVector256(p + 64);
                var w2 = Avx.LoadVector256(p + 96);
                var w3 = Avx.LoadVector256(p + 128);
                var w4 = Avx.LoadVector256(p + 160);
                var w5 = Avx.LoadVector256(p + 192);
                var w6 = Avx.LoadVector256(p + 224);
                var w7 = Avx.LoadVector256(p + 256);
                long gq = g * 256L;
                int gs = g * 8;
                for (int t = 0; t < tokens; t++)
                {
                    int s = t * sStride + gs;
                    var sums = PanelSums(w0, w1, w2, w3, w4, w5, w6, w7, x0 + t * qStride + gq, o0 + s);
                    acc[t] = Fma.MultiplyAdd(Avx.ConvertToVector256Single(sums), Avx.Multiply(dw, Avx.LoadVector256(d0 + s)), acc[t]);
                }
            }
            if (ragged > 0)
            {
                PanelRagged(p, ragged, x.QsOf(token) + groups * 256L, d0 + groups * 8, o0 + groups * 8, qStride, sStride, tokens, acc);
            }
            for (int t = 0; t < tokens; t++)
            {
                y[t * yStride] = Simd.Sum(acc[t]);
            }
        }
    }

    /// <summary>One token's 8 exact block sums of a panel group (the −8 offset included), in lane order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> PanelSums(Vector256<byte> w0, Vector256<byte> w1, Vector256<byte> w2, Vector256<byte> w3,
        Vector256<byte> w4, Vector256<byte> w5, Vector256<byte> w6, Vector256<byte> w7, sbyte* q, int* o)
    {
        Vector256<int> sums;
        if (AvxVnni.IsSupported)
        {
            var a = AvxVnni.MultiplyWideningAndAdd(Avx.LoadVector256(o), w0, Avx.LoadVector256(q));
            a = AvxVnni.MultiplyWideningAndAdd(a, w1, Avx.LoadVector256(q + 32));
            a = AvxVnni.MultiplyWideningAndAdd(a, w2, Avx.LoadVector256(q + 64));
            a = AvxVnni.MultiplyWideningAndAdd(a, w3, Avx.LoadVector256(q + 96));
            a = AvxVnni.MultiplyWideningAndAdd(a, w4, Avx.LoadVector256(q + 128));
            a = AvxVnni.MultiplyWideningAndAdd(a, w5, Avx.LoadVector256(q + 160));
            a = AvxVnni.MultiplyWideningAndAdd(a, w6, Avx.LoadVector256(q + 192));
            return AvxVnni.MultiplyWideningAndAdd(a, w7, Avx.LoadVector256(q + 224));
        }
        // Each int16 lane sums 2 nibble·x products per vector, 16 over the 8 vectors: ≤ 16·15·127 = 30480.
        var s01 = Avx2.Add(Avx2.MultiplyAddAdjacent(w0, Avx.LoadVector256(q)), Avx2.MultiplyAddAdjacent(w1, Avx.LoadVector256(q + 32)));
        var s23 = Avx2.Add(Avx2.MultiplyAddAdjacent(w2, Avx.LoadVector256(q + 64)), Avx2.MultiplyAddAdjacent(w3, Avx.LoadVector256(q + 96)));
        var s45 = Avx2.Add(Avx2.MultiplyAddAdjacent(w4, Avx.LoadVector256(q + 128)), Avx2.MultiplyAddAdjacent(w5, Avx.LoadVector256(q + 160)));
        var s67 = Avx2.Add(Avx2.MultiplyAddAdjacent(w6, Avx.LoadVector256(q + 192)), Avx2.MultiplyAddAdjacent(w7, Avx.LoadVector256(q + 224)));
        sums = Avx2.MultiplyAddAdjacent(Avx2.Add(Avx2.Add(s01, s23), Avx2.Add(s45, s67)), Vector256.Create((short)1));
        return Avx2.Add(sums, Avx.LoadVector256(o));
    }

    /// <summary>
    /// AVX-512BW: a pair of blocks per 512-bit step, nibbles as [A lo | B lo | A hi | B hi] to match the activations' pair
    /// layout; the accumulator starts at the activations' −8·(runs of 4), which applies the −8 exactly. An odd last block is
    /// paired with zero nibbles (its partner's activations are zero padding).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx512Path<TCount>(byte* w, in Q8Activations x, int token, float* dst) where TCount : struct, ITokenCount
    {
        const int bs = BlockLayout.Q4_0Bytes;
        int nb = x.Blocks;
        sbyte* q0 = x.QsOf(token);
        int* o0 = x.RunOffsetsOf(token);
        long qStride = (long)x.PaddedBlocks * 32, oStride = (long)x.PaddedBlocks * 8;
        var a0 = Vector512<float>.Zero;
        var a1 = Vector512<float>.Zero;
        var a2 = Vector512<float>.Zero;
        var a3 = Vector512<float>.Zero;
        var mask = Vector512.Create((byte)0x0F);
        for (int b = 0; b < nb; b += 2, w += 2 * bs)
        {
            bool pair = b + 1 < nb;
            float dw0 = HalfBits.ToSingle(*(ushort*)w);
            float dw1 = pair ? HalfBits.ToSingle(*(ushort*)(w + bs)) : 0f;
            var raw = Vector256.Create(Sse2.LoadVector128(w + 2), pair ? Sse2.LoadVector128(w + bs + 2) : Vector128<byte>.Zero);
            var nib = Avx512F.And(Vector512.Create(raw, Avx2.ShiftRightLogical(raw.AsUInt16(), 4).AsByte()), mask);
            long qo = b * 32L, oo = b * 8L;
            a0 = Step(a0, nib, q0 + qo, o0 + oo, dw0 * x.Scale(token, b), dw1 * x.Scale(token, b + 1));
            if (TCount.Value > 1)
            {
                a1 = Step(a1, nib, q0 + qStride + qo, o0 + oStride + oo, dw0 * x.Scale(token + 1, b), dw1 * x.Scale(token + 1, b + 1));
            }
            if (TCount.Value > 2)
            {
                a2 = Step(a2, nib, q0 + 2 * qStride + qo, o0 + 2 * oStride + oo, dw0 * x.Scale(token + 2, b), dw1 * x.Scale(token + 2, b + 1));
            }
            if (TCount.Value > 3)
            {
                a3 = Step(a3, nib, q0 + 3 * qStride + qo, o0 + 3 * oStride + oo, dw0 * x.Scale(token + 3, b), dw1 * x.Scale(token + 3, b + 1));
            }
        }
        Simd.Store<TCount>(dst, Simd.Sum(a0), Simd.Sum(a1), Simd.Sum(a2), Simd.Sum(a3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Step(Vector512<float> acc, Vector512<byte> nib, sbyte* q, int* o, float sa, float sb)
    {
        var p = Avx512F.ConvertToVector512Single(Simd.DotU8S8(Avx512F.LoadVector512(o), nib, Avx512F.LoadVector512(q)));
        return Avx512F.FusedMultiplyAdd(p, Simd.PairLanes(sa, sb), acc);
    }
}

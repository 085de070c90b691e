using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Activations quantized to 8 bits in blocks of 32 for the Q8_0 and Q4_0 kernels (the Q8_0 scheme, float scales), laid out
/// for the grouped AVX2 kernels (<see cref="DotGroups"/>). Per token, the blocks are padded with zero blocks to whole groups
/// of <see cref="GroupBlocks"/> (<see cref="PaddedBlocks"/>) and stored in four regions:
/// <list type="bullet">
/// <item>quants: each pair of blocks (A = 2p, B = 2p+1) as 64 bytes [A 0..15 | B 0..15 | A 16..31 | B 16..31], so a
/// 256-bit register holds the same 16 elements of two blocks (see <see cref="QuantIndex"/>);</item>
/// <item>scales: a float per block, each group of 8 in lane order [0, 2, 4, 6, 1, 3, 5, 7] (<see cref="Lane"/>), the order in
/// which the kernels' integer reduction leaves the 8 block sums;</item>
/// <item>offsets: per block, −8·Σq in the same lane order (applies Q4_0's −8 exactly in integers);</item>
/// <item>run offsets: per block 8 ints, −8 × the sum of each run of 4 quants, in the quants' pair order (the AVX-512 path
/// starts its accumulators there);</item>
/// <item>interleaved quants: the same quants again, each group of 8 blocks as 8 × 32 bytes where vector k holds elements
/// 4k..4k+3 of the 8 blocks in lane order (<see cref="InterleavedIndex"/>), for the panel kernels (<see cref="WeightPanel"/>):
/// their 8 block sums need only vertical adds.</item>
/// </list>
/// Padding blocks are all zeros (quants, scale, offsets), so they add exactly nothing.
/// </summary>
internal readonly unsafe struct Q8Activations(sbyte* qs, float* scales, int* offsets, int* runOffsets, sbyte* interleaved, int blocks)
{
    /// <summary>Blocks per group: the unit of the grouped kernels' float work.</summary>
    public const int GroupBlocks = 8;

    public sbyte* Qs { get; } = qs;
    public float* Scales { get; } = scales;
    public int* Offsets { get; } = offsets;
    public int* RunOffsets { get; } = runOffsets;
    public sbyte* Interleaved { get; } = interleaved;

    /// <summary>Blocks per token (the row's real blocks).</summary>
    public int Blocks { get; } = blocks;

    /// <summary>Blocks per token rounded up to whole groups: the stride of every region.</summary>
    public int PaddedBlocks => Pad(Blocks);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Pad(int blocks) => (blocks + GroupBlocks - 1) & ~(GroupBlocks - 1);

    /// <summary>Bytes of scratch needed per token for <paramref name="blocks"/> blocks (all regions).</summary>
    public static long BytesPerToken(int blocks) => Pad(blocks) * (32L + 4 + 4 + 32 + 32);

    /// <summary>Lays the regions out in one buffer of <paramref name="tokens"/> × <see cref="BytesPerToken"/> bytes.</summary>
    public static Q8Activations In(byte* buffer, int tokens, int blocks)
    {
        long n = (long)tokens * Pad(blocks);
        return new Q8Activations((sbyte*)buffer, (float*)(buffer + n * 32), (int*)(buffer + n * 36), (int*)(buffer + n * 40), (sbyte*)(buffer + n * 72), blocks);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sbyte* QsOf(int token) => Qs + (long)token * PaddedBlocks * 32;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* ScalesOf(int token) => Scales + (long)token * PaddedBlocks;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int* OffsetsOf(int token) => Offsets + (long)token * PaddedBlocks;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int* RunOffsetsOf(int token) => RunOffsets + (long)token * PaddedBlocks * 8;

    /// <summary>Position of block <paramref name="block"/>'s entry in the scales and offsets regions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sbyte* InterleavedOf(int token) => Interleaved + (long)token * PaddedBlocks * 32;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Lane(int block) => (block & ~7) | ((block & 1) << 2) | ((block & 7) >> 1);

    /// <summary>Byte position of element <paramref name="element"/> (0..31) of block <paramref name="block"/> in the quants.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int QuantIndex(int block, int element) => (block >> 1) * 64 + (element >> 4) * 32 + (block & 1) * 16 + (element & 15);

    /// <summary>Byte position of element <paramref name="element"/> of block <paramref name="block"/> in the interleaved quants.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int InterleavedIndex(int block, int element) => (block & ~7) * 32 + (element >> 2) * 32 + Lane(block & 7) * 4 + (element & 3);

    /// <summary>Int position of run <paramref name="run"/> (0..7, elements 4·run..4·run+3) of a block in the run offsets.</summary>
    public static int RunIndex(int block, int run) => QuantIndex(block, run * 4) >> 2;

    public sbyte Quant(int token, int block, int element) => QsOf(token)[QuantIndex(block, element)];

    public float Scale(int token, int block) => ScalesOf(token)[Lane(block)];

    /// <summary>Quantizes one token's row of <see cref="Blocks"/>·32 floats (AVX2 when available, else scalar).</summary>
    public void Quantize(int token, float* x)
    {
        if (Avx2.IsSupported)
        {
            QuantizeAvx2(token, x);
        }
        else
        {
            QuantizeScalar(token, x);
        }
    }

    internal void QuantizeScalar(int token, float* x)
    {
        ClearPadding(token);
        sbyte* q = QsOf(token);
        for (int b = 0; b < Blocks; b++)
        {
            float amax = 0;
            for (int i = 0; i < 32; i++)
            {
                amax = MathF.Max(amax, MathF.Abs(x[b * 32 + i]));
            }
            float scale = amax / 127f;
            float inv = scale != 0 ? 1f / scale : 0f;
            int total = 0;
            for (int g = 0; g < 8; g++)
            {
                int sum = 0;
                for (int i = 0; i < 4; i++)
                {
                    int v = (int)MathF.Round(x[b * 32 + g * 4 + i] * inv, MidpointRounding.ToEven);
                    q[QuantIndex(b, g * 4 + i)] = (sbyte)v;
                    InterleavedOf(token)[InterleavedIndex(b, g * 4 + i)] = (sbyte)v;
                    sum += v;
                }
                RunOffsetsOf(token)[RunIndex(b, g)] = -8 * sum;
                total += sum;
            }
            SetBlock(token, b, scale, total);
        }
    }

    /// <summary>Stores a block's scale and −8·Σq at its lane.</summary>
    internal void SetBlock(int token, int block, float scale, int quantSum)
    {
        ScalesOf(token)[Lane(block)] = scale;
        OffsetsOf(token)[Lane(block)] = -8 * quantSum;
    }

    /// <summary>
    /// Zeroes a token's padding: from the last pair (quants, run offsets) and the last partial group (interleaved quants,
    /// scales, offsets) to the end. Called before the blocks are written, so the present blocks overwrite their part.
    /// </summary>
    internal void ClearPadding(int token)
    {
        int padded = PaddedBlocks, pairStart = Blocks & ~1, groupStart = Blocks & ~7;
        if (pairStart < padded)
        {
            new Span<byte>(QsOf(token) + pairStart * 32, (padded - pairStart) * 32).Clear();
            new Span<int>(RunOffsetsOf(token) + pairStart * 8, (padded - pairStart) * 8).Clear();
        }
        if (groupStart < padded)
        {
            new Span<byte>(InterleavedOf(token) + groupStart * 32, (padded - groupStart) * 32).Clear();
            new Span<float>(ScalesOf(token) + groupStart, padded - groupStart).Clear();
            new Span<int>(OffsetsOf(token) + groupStart, padded - groupStart).Clear();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void QuantizeAvx2(int token, float* x)
    {
        ClearPadding(token);
        sbyte* q = QsOf(token);
        int* runs = RunOffsetsOf(token);
        var absMask = Vector256.Create(0x7fffffff).AsSingle();
        var packOrder = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
        var ones = Vector256.Create((sbyte)1);
        var minus8 = Vector256.Create(-8);
        for (int b = 0; b < Blocks; b++, x += 32)
        {
            var v0 = Avx.LoadVector256(x);
            var v1 = Avx.LoadVector256(x + 8);
            var v2 = Avx.LoadVector256(x + 16);
            var v3 = Avx.LoadVector256(x + 24);
            var m = Avx.Max(Avx.Max(Avx.And(v0, absMask), Avx.And(v1, absMask)), Avx.Max(Avx.And(v2, absMask), Avx.And(v3, absMask)));
            var m4 = Sse.Max(m.GetLower(), m.GetUpper());
            m4 = Sse.Max(m4, Sse.MoveHighToLow(m4, m4));
            m4 = Sse.MaxScalar(m4, Sse.Shuffle(m4, m4, 1));
            float scale = m4.ToScalar() / 127f;
            float inv = scale != 0 ? 1f / scale : 0f;
            var vi = Vector256.Create(inv);
            var i0 = Avx.ConvertToVector256Int32(Avx.Multiply(v0, vi));
            var i1 = Avx.ConvertToVector256Int32(Avx.Multiply(v1, vi));
            var i2 = Avx.ConvertToVector256Int32(Avx.Multiply(v2, vi));
            var i3 = Avx.ConvertToVector256Int32(Avx.Multiply(v3, vi));
            // Pack 32 × int32 → 32 × int8; the two in-lane packs interleave 128-bit halves, which the permute undoes.
            var s01 = Avx2.PackSignedSaturate(i0, i1);
            var s23 = Avx2.PackSignedSaturate(i2, i3);
            var bytes = Avx2.PackSignedSaturate(s01, s23);
            bytes = Avx2.PermuteVar8x32(bytes.AsInt32(), packOrder).AsSByte();
            sbyte* half = q + QuantIndex(b, 0);
            Sse2.Store(half, bytes.GetLower());
            Sse2.Store(half + 32, bytes.GetUpper());
            // The interleaved copy: run k (elements 4k..4k+3) at vector k, lane Lane(b) of the block's group.
            int* runs4 = (int*)(InterleavedOf(token) + InterleavedIndex(b, 0));
            var dwords = bytes.AsInt32();
            runs4[0] = dwords.GetElement(0);
            runs4[8] = dwords.GetElement(1);
            runs4[16] = dwords.GetElement(2);
            runs4[24] = dwords.GetElement(3);
            runs4[32] = dwords.GetElement(4);
            runs4[40] = dwords.GetElement(5);
            runs4[48] = dwords.GetElement(6);
            runs4[56] = dwords.GetElement(7);
            // Sum of each run of 4: multiply by ones as (unsigned 1)·(signed q) pairs.
            var sums = Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ones.AsByte(), bytes), Vector256.Create((short)1));
            var runOffsets = Avx2.MultiplyLow(sums, minus8);
            int* r = runs + RunIndex(b, 0);
            Sse2.Store(r, runOffsets.GetLower());
            Sse2.Store(r + 8, runOffsets.GetUpper());
            var s4 = Sse2.Add(sums.GetLower(), sums.GetUpper());
            s4 = Sse2.Add(s4, Sse2.Shuffle(s4, 0b_01_00_11_10));
            s4 = Sse2.Add(s4, Sse2.Shuffle(s4, 0b_10_11_00_01));
            SetBlock(token, b, scale, s4.ToScalar());
        }
    }
}

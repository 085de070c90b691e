using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Hearth.Inference.Gguf;

namespace Hearth.Inference.Kernels;

/// <summary>
/// A band of Q4_0 or Q8_0 weight rows repacked once per multiply for the panel kernels (<see cref="DotQ4_0.PanelRows"/>,
/// <see cref="DotQ8_0.PanelRows"/>), in the layout of <see cref="Q8Activations.Interleaved"/>: per row, per group of 8
/// blocks, the 8 block scales as floats in lane order (32 bytes), then 8 vectors of 32 bytes where vector k holds elements
/// 4k..4k+3 of the 8 blocks (Q4_0: nibbles 0..15 as bytes; Q8_0: |w|, followed by 8 more vectors of w for the signs).
/// A ragged last group (1–7 blocks, e.g. 2 of SmolLM2's 18) is stored in the direct kernels' pair form instead: its
/// scales (zero for absent blocks), then per pair [A 0..15 | B 0..15] and [A 16..31 | B 16..31] (Q4_0: nibbles; Q8_0: w,
/// then |w|), zero for absent pairs, so the kernels skip absent pairs instead of paying for a padded group of 8. The
/// unpacking, the scale conversion and the block-to-lane transpose are thus paid once per row per multiply instead of
/// once per row per 8 tokens.
/// </summary>
internal static unsafe class WeightPanel
{
    /// <summary>Bytes per repacked row of <paramref name="blocks"/> blocks.</summary>
    public static long RowBytes(GgmlType type, int blocks) =>
        blocks / 8 * (32L + (type == GgmlType.Q8_0 ? 512 : 256)) + (blocks % 8 == 0 ? 0 : RaggedBytes(type));

    /// <summary>The ragged group's part: 32 bytes of scales, 4 pairs × (Q8_0: w low/high, |w| low/high; Q4_0: low/high).</summary>
    private static int RaggedBytes(GgmlType type) => 32 + 4 * (type == GgmlType.Q8_0 ? 128 : 64);

    /// <summary>Repacks <paramref name="rows"/> rows (<paramref name="rowBytes"/> apart) of <paramref name="blocks"/> blocks each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Repack(GgmlType type, byte* w, int rows, long rowBytes, int blocks, byte* panel)
    {
        bool q8 = type == GgmlType.Q8_0;
        int bs = q8 ? BlockLayout.Q8_0Bytes : BlockLayout.Q4_0Bytes;
        long panelRow = RowBytes(type, blocks);
        int groups = blocks / 8;
        for (int r = 0; r < rows; r++)
        {
            byte* src = w + r * rowBytes;
            byte* dst = panel + r * panelRow;
            for (int g = 0; g < groups; g++, src += 8 * bs)
            {
                Avx.Store((float*)dst, Simd.GroupScales(src, bs));
                dst += 32;
                if (q8)
                {
                    GroupQ8_0(src, dst);
                    dst += 512;
                }
                else
                {
                    GroupQ4_0(src, dst);
                    dst += 256;
                }
            }
            int ragged = blocks - 8 * groups;
            if (ragged > 0)
            {
                Avx.Store((float*)dst, Simd.GroupScales(src, bs, ragged));
                dst += 32;
                for (int k = 0; k < 4; k++)
                {
                    if (q8)
                    {
                        DotQ8_0.Pair(src + 2 * k * bs, k, ragged, out var low, out var high);
                        Avx.Store((sbyte*)dst, low);
                        Avx.Store((sbyte*)dst + 32, high);
                        Avx.Store((sbyte*)dst + 64, Avx2.Abs(low).AsSByte());
                        Avx.Store((sbyte*)dst + 96, Avx2.Abs(high).AsSByte());
                        dst += 128;
                    }
                    else
                    {
                        DotQ4_0.Pair(src + 2 * k * bs, k, ragged, out var low, out var high);
                        Avx.Store(dst, low);
                        Avx.Store(dst + 32, high);
                        dst += 64;
                    }
                }
            }
        }
    }

    /// <summary>Block of lane i: lanes hold blocks [0, 2, 4, 6, 1, 3, 5, 7] (<see cref="Q8Activations.Lane"/>).</summary>
    private static int BlockOfLane(int lane) => (lane & 3) * 2 + (lane >> 2);

    private static void GroupQ4_0(byte* src, byte* dst)
    {
        var mask = Vector256.Create((byte)0x0F);
        Span<Vector256<int>> rows = stackalloc Vector256<int>[8];
        for (int i = 0; i < 8; i++)
        {
            var raw = Sse2.LoadVector128(src + BlockOfLane(i) * BlockLayout.Q4_0Bytes + 2);
            rows[i] = Avx2.And(Vector256.Create(raw, Sse2.ShiftRightLogical(raw.AsUInt16(), 4).AsByte()), mask).AsInt32();
        }
        Transpose(rows, (int*)dst);
    }

    private static void GroupQ8_0(byte* src, byte* dst)
    {
        Span<Vector256<int>> rows = stackalloc Vector256<int>[8];
        for (int i = 0; i < 8; i++)
        {
            rows[i] = Avx.LoadVector256(src + BlockOfLane(i) * BlockLayout.Q8_0Bytes + 2).AsInt32();
        }
        Transpose(rows, (int*)(dst + 256));
        for (int k = 0; k < 8; k++)
        {
            Avx.Store(dst + 32 * k, Avx2.Abs(Avx.LoadVector256((sbyte*)(dst + 256 + 32 * k))));
        }
    }

    /// <summary>8 × 8 ints: vector k of the output holds int k of each input row (row i in lane i).</summary>
    private static void Transpose(Span<Vector256<int>> r, int* dst)
    {
        var t0 = Avx2.UnpackLow(r[0], r[1]);
        var t1 = Avx2.UnpackHigh(r[0], r[1]);
        var t2 = Avx2.UnpackLow(r[2], r[3]);
        var t3 = Avx2.UnpackHigh(r[2], r[3]);
        var t4 = Avx2.UnpackLow(r[4], r[5]);
        var t5 = Avx2.UnpackHigh(r[4], r[5]);
        var t6 = Avx2.UnpackLow(r[6], r[7]);
        var t7 = Avx2.UnpackHigh(r[6], r[7]);
        var u0 = Avx2.UnpackLow(t0.AsInt64(), t2.AsInt64()).AsInt32();
        var u1 = Avx2.UnpackHigh(t0.AsInt64(), t2.AsInt64()).AsInt32();
        var u2 = Avx2.UnpackLow(t1.AsInt64(), t3.AsInt64()).AsInt32();
        var u3 = Avx2.UnpackHigh(t1.AsInt64(), t3.AsInt64()).AsInt32();
        var u4 = Avx2.UnpackLow(t4.AsInt64(), t6.AsInt64()).AsInt32();
        var u5 = Avx2.UnpackHigh(t4.AsInt64(), t6.AsInt64()).AsInt32();
        var u6 = Avx2.UnpackLow(t5.AsInt64(), t7.AsInt64()).AsInt32();
        var u7 = Avx2.UnpackHigh(t5.AsInt64(), t7.AsInt64()).AsInt32();
        Avx.Store(dst, Avx2.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + 8, Avx2.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 16, Avx2.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 24, Avx2.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 32, Avx2.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 40, Avx2.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 48, Avx2.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 56, Avx2.Permute2x128(u3, u7, 0x31));
    }
}

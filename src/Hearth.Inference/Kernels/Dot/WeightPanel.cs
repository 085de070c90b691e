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
/// Absent blocks of a ragged last group are zero, with zero scales. The unpacking, the scale conversion and the
/// block-to-lane transpose are thus paid once per row per multiply instead of once per row per 8 tokens.
/// </summary>
internal static unsafe class WeightPanel
{
    /// <summary>Bytes per repacked row of <paramref name="blocks"/> blocks.</summary>
    public static long RowBytes(GgmlType type, int blocks) =>
        Q8Activations.Pad(blocks) / 8 * (32L + (type == GgmlType.Q8_0 ? 512 : 256));

    /// <summary>Repacks <paramref name="rows"/> rows (<paramref name="rowBytes"/> apart) of <paramref name="blocks"/> blocks each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Repack(GgmlType type, byte* w, int rows, long rowBytes, int blocks, byte* panel)
    {
        bool q8 = type == GgmlType.Q8_0;
        int bs = q8 ? BlockLayout.Q8_0Bytes : BlockLayout.Q4_0Bytes;
        long panelRow = RowBytes(type, blocks);
        int groups = Q8Activations.Pad(blocks) / 8;
        for (int r = 0; r < rows; r++)
        {
            byte* src = w + r * rowBytes;
            byte* dst = panel + r * panelRow;
            for (int g = 0; g < groups; g++, src += 8 * bs)
            {
                int present = Math.Min(8, blocks - 8 * g);
                Avx.Store((float*)dst, present == 8 ? Simd.GroupScales(src, bs) : Simd.GroupScales(src, bs, present));
                dst += 32;
                if (q8)
                {
                    GroupQ8_0(src, present, dst);
                    dst += 512;
                }
                else
                {
                    GroupQ4_0(src, present, dst);
                    dst += 256;
                }
            }
        }
    }

    /// <summary>Block of lane i: lanes hold blocks [0, 2, 4, 6, 1, 3, 5, 7] (<see cref="Q8Activations.Lane"/>).</summary>
    private static int BlockOfLane(int lane) => (lane & 3) * 2 + (lane >> 2);

    private static void GroupQ4_0(byte* src, int present, byte* dst)
    {
        var mask = Vector256.Create((byte)0x0F);
        Span<Vector256<int>> rows = stackalloc Vector256<int>[8];
        for (int i = 0; i < 8; i++)
        {
            int b = BlockOfLane(i);
            if (b < present)
            {
                var raw = Sse2.LoadVector128(src + b * BlockLayout.Q4_0Bytes + 2);
                rows[i] = Avx2.And(Vector256.Create(raw, Sse2.ShiftRightLogical(raw.AsUInt16(), 4).AsByte()), mask).AsInt32();
            }
            else
            {
                rows[i] = Vector256<int>.Zero;
            }
        }
        Transpose(rows, (int*)dst);
    }

    private static void GroupQ8_0(byte* src, int present, byte* dst)
    {
        Span<Vector256<int>> rows = stackalloc Vector256<int>[8];
        for (int i = 0; i < 8; i++)
        {
            int b = BlockOfLane(i);
            rows[i] = b < present ? Avx.LoadVector256(src + b * BlockLayout.Q8_0Bytes + 2).AsInt32() : Vector256<int>.Zero;
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

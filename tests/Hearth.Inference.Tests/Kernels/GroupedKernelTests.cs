using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

/// <summary>
/// The AVX2 Q8_0/Q4_0 band kernels (<c>Avx2Rows</c>: several rows × up to 8 tokens per call) and the panel kernels
/// (<c>PanelRows</c> over a <see cref="WeightPanel"/>): against the scalar twin, and bit-identical to each other, for ragged
/// row, token and block counts.
/// </summary>
public unsafe class GroupedKernelTests
{
    private static readonly int[] BlockCounts = [1, 2, 3, 5, 7, 8, 9, 18, 23, 64];
    private static readonly int[] TokenCounts = [1, 2, 3, 5, 7, 8];

    private static long RowBytes(GgmlType type, int blocks) => blocks * (type == GgmlType.Q8_0 ? 34L : 18L);

    private static void Direct(GgmlType type, byte* w, int rows, int blocks, in Q8Activations x, int tokens, float* y)
    {
        if (type == GgmlType.Q8_0)
        {
            DotQ8_0.Avx2Rows(w, rows, RowBytes(type, blocks), x, 0, tokens, y, rows);
        }
        else
        {
            DotQ4_0.Avx2Rows(w, rows, RowBytes(type, blocks), x, 0, tokens, y, rows);
        }
    }

    private static void Panel(GgmlType type, byte* w, int rows, int blocks, in Q8Activations x, int tokens, float* y, NativeActivations mem)
    {
        byte* panel = mem.Alloc(rows * WeightPanel.RowBytes(type, blocks));
        WeightPanel.Repack(type, w, rows, RowBytes(type, blocks), blocks, panel);
        if (type == GgmlType.Q8_0)
        {
            DotQ8_0.PanelRows(panel, rows, x, 0, tokens, y, rows);
        }
        else
        {
            DotQ4_0.PanelRows(panel, rows, x, 0, tokens, y, rows);
        }
    }

    private static float Scalar(GgmlType type, byte* w, in Q8Activations x, int token) =>
        type == GgmlType.Q8_0 ? DotQ8_0.Scalar(w, x, token) : DotQ4_0.Scalar(w, x, token);

    [SkippableTheory]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q4_0)]
    public void Avx2Rows_RaggedRowsTokensBlocks_MatchScalarTwin(GgmlType type)
    {
        KernelTestSupport.RequirePath(KernelPath.Avx2);
        var rng = new Random(11 + (int)type);
        foreach (int blocks in BlockCounts)
        {
            foreach (int tokens in TokenCounts)
            {
                const int rows = 5;
                var wf = KernelTestSupport.RandomFloats(rng, rows * blocks * 32, 0.5f);
                var xf = KernelTestSupport.RandomFloats(rng, tokens * blocks * 32, 3f);
                using var mem = new NativeActivations();
                byte* w = mem.Copy(KernelTestSupport.QuantizeRows(type, wf, rows, blocks * 32));
                var x = mem.Q8(xf, tokens, blocks);
                var y = (float*)mem.Alloc(rows * tokens * sizeof(float));
                Direct(type, w, rows, blocks, x, tokens, y);
                for (int t = 0; t < tokens; t++)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        float expected = Scalar(type, w + r * RowBytes(type, blocks), x, t);
                        float magnitude = 0;
                        for (int i = 0; i < blocks * 32; i++)
                        {
                            magnitude += MathF.Abs(wf[r * blocks * 32 + i] * xf[t * blocks * 32 + i]);
                        }
                        float got = y[t * rows + r];
                        Assert.True(MathF.Abs(expected - got) <= 1e-5f * magnitude + 1e-6f,
                            $"{type} blocks={blocks} tokens={tokens} r={r} t={t}: {got} vs {expected}");
                    }
                }
            }
        }
    }

    [SkippableTheory]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q4_0)]
    public void PanelRows_RaggedRowsTokensBlocks_BitIdenticalToDirectKernel(GgmlType type)
    {
        KernelTestSupport.RequirePath(KernelPath.Avx2);
        var rng = new Random(23 + (int)type);
        foreach (int blocks in BlockCounts)
        {
            foreach (int tokens in TokenCounts)
            {
                int rows = 1 + (blocks + tokens) % 6;
                var wf = KernelTestSupport.RandomFloats(rng, rows * blocks * 32, 0.5f);
                var xf = KernelTestSupport.RandomFloats(rng, tokens * blocks * 32, 3f);
                using var mem = new NativeActivations();
                byte* w = mem.Copy(KernelTestSupport.QuantizeRows(type, wf, rows, blocks * 32));
                var x = mem.Q8(xf, tokens, blocks);
                var direct = (float*)mem.Alloc(rows * tokens * sizeof(float));
                var panel = (float*)mem.Alloc(rows * tokens * sizeof(float));
                Direct(type, w, rows, blocks, x, tokens, direct);
                Panel(type, w, rows, blocks, x, tokens, panel, mem);
                for (int i = 0; i < rows * tokens; i++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(direct[i]) == BitConverter.SingleToInt32Bits(panel[i]),
                        $"{type} blocks={blocks} tokens={tokens} rows={rows} i={i}: panel {panel[i]} vs direct {direct[i]}");
                }
            }
        }
    }

    [SkippableTheory]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q4_0)]
    public void PanelRows_UnitScales_IntegerResultIsExact(GgmlType type)
    {
        KernelTestSupport.RequirePath(KernelPath.Avx2);
        var rng = new Random(5);
        foreach (int blocks in new[] { 3, 8, 18 })
        {
            const int rows = 3, tokens = 8;
            int blockBytes = type == GgmlType.Q8_0 ? 34 : 18;
            var wBytes = new byte[rows * blocks * blockBytes];
            rng.NextBytes(wBytes);
            for (int b = 0; b < rows * blocks; b++)
            {
                wBytes[b * blockBytes] = 0x00;
                wBytes[b * blockBytes + 1] = 0x3c; // d = 1 (fp16, little-endian)
                if (type == GgmlType.Q8_0)
                {
                    wBytes[b * blockBytes + 2] = 0x80; // −128, the value whose |w| needs all 8 bits
                }
            }
            var q = new sbyte[tokens * blocks * 32];
            for (int i = 0; i < q.Length; i++)
            {
                q[i] = (sbyte)(i % 5 == 0 ? 127 : rng.Next(-127, 128));
            }
            using var mem = new NativeActivations();
            byte* w = mem.Copy(wBytes);
            var x = mem.Q8Integers(q, tokens, blocks);
            var y = (float*)mem.Alloc(rows * tokens * sizeof(float));
            Panel(type, w, rows, blocks, x, tokens, y, mem);
            for (int t = 0; t < tokens; t++)
            {
                for (int r = 0; r < rows; r++)
                {
                    Assert.Equal(Scalar(type, w + r * blocks * blockBytes, x, t), y[t * rows + r]);
                }
            }
        }
    }
}

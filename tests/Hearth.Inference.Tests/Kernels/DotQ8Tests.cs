using System.Buffers.Binary;
using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

/// <summary>Q8_0 and Q4_0 weight kernels: every SIMD path against the scalar twin, for 1–4 tokens and ragged block counts.</summary>
public unsafe class DotQ8Tests
{
    // Every ragged group size (1–7 blocks past whole groups of 8), whole groups, and SmolLM2/TinyLlama-like rows.
    private static readonly int[] BlockCounts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 18, 23, 64, 65];

    private delegate void Kernel(byte* w, in Q8Activations x, int token, float* dst);

    private static Kernel For(GgmlType type, KernelPath path, int tokens) => (type, path, tokens) switch
    {
        (GgmlType.Q8_0, KernelPath.Avx2, 1) => DotQ8_0.Avx2Path<OneToken>,
        (GgmlType.Q8_0, KernelPath.Avx2, 2) => DotQ8_0.Avx2Path<TwoTokens>,
        (GgmlType.Q8_0, KernelPath.Avx2, 3) => DotQ8_0.Avx2Path<ThreeTokens>,
        (GgmlType.Q8_0, KernelPath.Avx2, _) => DotQ8_0.Avx2Path<FourTokens>,
        (GgmlType.Q8_0, _, 1) => DotQ8_0.Avx512Path<OneToken>,
        (GgmlType.Q8_0, _, 2) => DotQ8_0.Avx512Path<TwoTokens>,
        (GgmlType.Q8_0, _, 3) => DotQ8_0.Avx512Path<ThreeTokens>,
        (GgmlType.Q8_0, _, _) => DotQ8_0.Avx512Path<FourTokens>,
        (_, KernelPath.Avx2, 1) => DotQ4_0.Avx2Path<OneToken>,
        (_, KernelPath.Avx2, 2) => DotQ4_0.Avx2Path<TwoTokens>,
        (_, KernelPath.Avx2, 3) => DotQ4_0.Avx2Path<ThreeTokens>,
        (_, KernelPath.Avx2, _) => DotQ4_0.Avx2Path<FourTokens>,
        (_, _, 1) => DotQ4_0.Avx512Path<OneToken>,
        (_, _, 2) => DotQ4_0.Avx512Path<TwoTokens>,
        (_, _, 3) => DotQ4_0.Avx512Path<ThreeTokens>,
        _ => DotQ4_0.Avx512Path<FourTokens>,
    };

    private static float Scalar(GgmlType type, byte* w, in Q8Activations x, int token) =>
        type == GgmlType.Q8_0 ? DotQ8_0.Scalar(w, x, token) : DotQ4_0.Scalar(w, x, token);

    [SkippableTheory]
    [InlineData("Avx2")]
    [InlineData("Avx512")]
    public void Simd_RandomData_MatchesScalarTwin(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        KernelTestSupport.RequirePath(path);
        var rng = new Random(42);
        float* got = stackalloc float[4];
        foreach (var type in new[] { GgmlType.Q8_0, GgmlType.Q4_0 })
        {
            foreach (int blocks in BlockCounts)
            {
                for (int tokens = 1; tokens <= 4; tokens++)
                {
                    var wf = KernelTestSupport.RandomFloats(rng, blocks * 32, 0.5f);
                    var xf = KernelTestSupport.RandomFloats(rng, tokens * blocks * 32, 3f);
                    using var mem = new NativeActivations();
                    byte* w = mem.Copy(KernelTestSupport.QuantizeRows(type, wf, 1, wf.Length));
                    var x = mem.Q8(xf, tokens, blocks);
                    For(type, path, tokens)(w, x, 0, got);
                    for (int t = 0; t < tokens; t++)
                    {
                        float expected = Scalar(type, w, x, t);
                        // Same exact integer block sums; only the float accumulation order differs: ≤ n·ε·Σ|terms|.
                        float magnitude = 0;
                        for (int i = 0; i < wf.Length; i++)
                        {
                            magnitude += MathF.Abs(wf[i] * xf[t * wf.Length + i]);
                        }
                        Assert.True(MathF.Abs(expected - got[t]) <= 1e-5f * magnitude + 1e-6f,
                            $"{type} {path} blocks={blocks} tokens={tokens} t={t}: {got[t]} vs {expected}");
                    }
                }
            }
        }
    }

    [SkippableTheory]
    [InlineData("Avx2")]
    [InlineData("Avx512")]
    public void Simd_UnitScales_IntegerResultIsExact(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        KernelTestSupport.RequirePath(path);
        var rng = new Random(7);
        float* got = stackalloc float[4];
        foreach (var type in new[] { GgmlType.Q8_0, GgmlType.Q4_0 })
        {
            foreach (int blocks in BlockCounts)
            {
                int blockBytes = type == GgmlType.Q8_0 ? 34 : 18;
                var wBytes = new byte[blocks * blockBytes];
                rng.NextBytes(wBytes);
                for (int b = 0; b < blocks; b++)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(wBytes.AsSpan(b * blockBytes), 0x3c00); // d = 1
                    if (type == GgmlType.Q8_0)
                    {
                        wBytes[b * blockBytes + 2] = 0x80; // include −128, the value whose |w| needs all 8 bits
                    }
                }
                var q = new sbyte[4 * blocks * 32];
                for (int i = 0; i < q.Length; i++)
                {
                    q[i] = (sbyte)rng.Next(-127, 128);
                }
                using var mem = new NativeActivations();
                byte* w = mem.Copy(wBytes);
                var x = mem.Q8Integers(q, 4, blocks);
                For(type, path, 4)(w, x, 0, got);
                for (int t = 0; t < 4; t++)
                {
                    Assert.Equal(Scalar(type, w, x, t), got[t]);
                }
                For(type, path, 1)(w, x, 3, got);
                Assert.Equal(Scalar(type, w, x, 3), got[0]);
            }
        }
    }

    [Fact]
    public void Scalar_Q8_0AndQ4_0_MatchDequantizedFloatDot()
    {
        var rng = new Random(9);
        foreach (var type in new[] { GgmlType.Q8_0, GgmlType.Q4_0 })
        {
            const int blocks = 5;
            var wf = KernelTestSupport.RandomFloats(rng, blocks * 32);
            var xf = KernelTestSupport.RandomFloats(rng, blocks * 32);
            var wq = KernelTestSupport.QuantizeRows(type, wf, 1, wf.Length);
            var wd = KernelTestSupport.DequantizeRows(type, wq, 1, wf.Length);
            using var mem = new NativeActivations();
            var x = mem.Q8(xf, 1, blocks);
            double expected = 0, magnitude = 0;
            for (int i = 0; i < wd.Length; i++)
            {
                double xi = x.Quant(0, i / 32, i % 32) * (double)x.Scale(0, i / 32);
                expected += wd[i] * xi;
                magnitude += Math.Abs(wd[i] * xi);
            }
            float got = Scalar(type, mem.Copy(wq), x, 0);
            Assert.True(Math.Abs(got - expected) <= 1e-5 * magnitude, $"{type}: {got} vs {expected}");
        }
    }

    [SkippableFact]
    public void QuantizeAvx2_RandomRows_MatchesScalarTwin()
    {
        KernelTestSupport.RequirePath(KernelPath.Avx2);
        var rng = new Random(4);
        const int blocks = 13;
        var xf = KernelTestSupport.RandomFloats(rng, 2 * blocks * 32, 5f);
        xf[40] = 0;
        Array.Clear(xf, 64, 32); // an all-zero block: scale 0, quants 0
        using var mem = new NativeActivations();
        var a = mem.Q8(xf, 2, blocks);
        var b = Q8Activations.In(mem.Alloc(2 * Q8Activations.BytesPerToken(blocks)), 2, blocks);
        fixed (float* px = xf)
        {
            b.QuantizeAvx2(0, px);
            b.QuantizeAvx2(1, px + blocks * 32);
        }
        long bytes = 2 * Q8Activations.BytesPerToken(blocks);
        Assert.Equal(new ReadOnlySpan<byte>(a.Qs, (int)bytes).ToArray(), new ReadOnlySpan<byte>(b.Qs, (int)bytes).ToArray());
    }
}

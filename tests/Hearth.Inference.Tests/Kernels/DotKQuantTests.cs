using System.Buffers.Binary;
using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

/// <summary>Q4_K and Q6_K weight kernels (Q8_K activations): SIMD paths against the scalar twins.</summary>
public unsafe class DotKQuantTests
{
    private static readonly int[] BlockCounts = [1, 2, 3, 5];

    private static float Run(GgmlType type, KernelPath path, byte* w, byte* x, int blocks) => (type, path) switch
    {
        (GgmlType.Q4_K, KernelPath.Avx2) => DotQ4_K.Avx2Path(w, x, blocks),
        (GgmlType.Q4_K, KernelPath.Avx512) => DotQ4_K.Avx512Path(w, x, blocks),
        (GgmlType.Q4_K, _) => DotQ4_K.Scalar(w, x, blocks),
        (_, KernelPath.Avx2) => DotQ6_K.Avx2Path(w, x, blocks),
        (_, KernelPath.Avx512) => DotQ6_K.Avx512Path(w, x, blocks),
        _ => DotQ6_K.Scalar(w, x, blocks),
    };

    [SkippableTheory]
    [InlineData("Avx2")]
    [InlineData("Avx512")]
    public void Simd_RandomData_MatchesScalarTwin(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        KernelTestSupport.RequirePath(path);
        var rng = new Random(21);
        foreach (var type in new[] { GgmlType.Q4_K, GgmlType.Q6_K })
        {
            foreach (int blocks in BlockCounts)
            {
                var wf = KernelTestSupport.RandomFloats(rng, blocks * 256, 0.3f);
                var xf = KernelTestSupport.RandomFloats(rng, blocks * 256, 2f);
                using var mem = new NativeActivations();
                byte* w = mem.Copy(KernelTestSupport.QuantizeRows(type, wf, 1, wf.Length));
                byte* x = mem.Copy(KernelTestSupport.QuantizeRows(GgmlType.Q8_K, xf, 1, xf.Length));
                float expected = Run(type, KernelPath.Scalar, w, x, blocks);
                float got = Run(type, path, w, x, blocks);
                float magnitude = 0;
                for (int i = 0; i < wf.Length; i++)
                {
                    magnitude += MathF.Abs(wf[i] * xf[i]);
                }
                // Exact integer sums per block; float combine order differs (and Q4_K subtracts mins): ≤ ~n·ε of the magnitude.
                Assert.True(MathF.Abs(expected - got) <= 2e-5f * magnitude + 1e-6f, $"{type} {path} blocks={blocks}: {got} vs {expected}");
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
        var rng = new Random(22);
        foreach (var type in new[] { GgmlType.Q4_K, GgmlType.Q6_K })
        {
            foreach (int blocks in BlockCounts)
            {
                int blockBytes = type == GgmlType.Q4_K ? 144 : 210;
                var wBytes = new byte[blocks * blockBytes];
                rng.NextBytes(wBytes); // random nibbles, packed 6-bit scales/mins, int8 scales
                var xBytes = new byte[blocks * 292];
                for (int b = 0; b < blocks; b++)
                {
                    if (type == GgmlType.Q4_K)
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(wBytes.AsSpan(b * blockBytes), 0x3c00);
                        BinaryPrimitives.WriteUInt16LittleEndian(wBytes.AsSpan(b * blockBytes + 2), 0x3c00);
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(wBytes.AsSpan(b * blockBytes + 208), 0x3c00);
                        wBytes[b * blockBytes + 192] = 0x80; // scale −128
                    }
                    var xb = xBytes.AsSpan(b * 292, 292);
                    BinaryPrimitives.WriteSingleLittleEndian(xb, 1f);
                    for (int g = 0; g < 16; g++)
                    {
                        int sum = 0;
                        for (int i = 0; i < 16; i++)
                        {
                            // Small quants keep every partial sum below 2^24, where float addition of integers is exact.
                            sbyte q = (sbyte)rng.Next(-12, 13);
                            xb[4 + 16 * g + i] = (byte)q;
                            sum += q;
                        }
                        BinaryPrimitives.WriteInt16LittleEndian(xb[(260 + 2 * g)..], (short)sum);
                    }
                }
                using var mem = new NativeActivations();
                byte* w = mem.Copy(wBytes);
                byte* x = mem.Copy(xBytes);
                Assert.Equal(Run(type, KernelPath.Scalar, w, x, blocks), Run(type, path, w, x, blocks));
            }
        }
    }

    [SkippableFact]
    public void Avx512_MultiToken_MatchesScalarTwinPerToken()
    {
        KernelTestSupport.RequirePath(KernelPath.Avx512);
        var rng = new Random(24);
        float* got = stackalloc float[4];
        foreach (var type in new[] { GgmlType.Q4_K, GgmlType.Q6_K })
        {
            foreach (int blocks in BlockCounts)
            {
                var wf = KernelTestSupport.RandomFloats(rng, blocks * 256, 0.3f);
                var xf = KernelTestSupport.RandomFloats(rng, 4 * blocks * 256, 2f);
                using var mem = new NativeActivations();
                byte* w = mem.Copy(KernelTestSupport.QuantizeRows(type, wf, 1, wf.Length));
                byte* xs = mem.Copy(KernelTestSupport.QuantizeRows(GgmlType.Q8_K, xf, 4, blocks * 256));
                var x = new Q8KActivations(xs, blocks);
                for (int count = 1; count <= 4; count++)
                {
                    int first = 4 - count;
                    switch ((type, count))
                    {
                        case (GgmlType.Q4_K, 1): DotQ4_K.Avx512Path<OneToken>(w, x, first, got); break;
                        case (GgmlType.Q4_K, 2): DotQ4_K.Avx512Path<TwoTokens>(w, x, first, got); break;
                        case (GgmlType.Q4_K, 3): DotQ4_K.Avx512Path<ThreeTokens>(w, x, first, got); break;
                        case (GgmlType.Q4_K, _): DotQ4_K.Avx512Path<FourTokens>(w, x, first, got); break;
                        case (_, 1): DotQ6_K.Avx512Path<OneToken>(w, x, first, got); break;
                        case (_, 2): DotQ6_K.Avx512Path<TwoTokens>(w, x, first, got); break;
                        case (_, 3): DotQ6_K.Avx512Path<ThreeTokens>(w, x, first, got); break;
                        default: DotQ6_K.Avx512Path<FourTokens>(w, x, first, got); break;
                    }
                    for (int t = 0; t < count; t++)
                    {
                        float expected = Run(type, KernelPath.Scalar, w, x.Of(first + t), blocks);
                        float magnitude = 0;
                        for (int i = 0; i < wf.Length; i++)
                        {
                            magnitude += MathF.Abs(wf[i] * xf[(first + t) * wf.Length + i]);
                        }
                        Assert.True(MathF.Abs(expected - got[t]) <= 2e-5f * magnitude + 1e-6f, $"{type} blocks={blocks} count={count} t={t}: {got[t]} vs {expected}");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(GgmlType.Q4_K)]
    [InlineData(GgmlType.Q6_K)]
    public void Scalar_KQuants_MatchDequantizedFloatDot(GgmlType type)
    {
        var rng = new Random(23);
        const int blocks = 3;
        var wf = KernelTestSupport.RandomFloats(rng, blocks * 256);
        var xf = KernelTestSupport.RandomFloats(rng, blocks * 256);
        var wq = KernelTestSupport.QuantizeRows(type, wf, 1, wf.Length);
        var xq = KernelTestSupport.QuantizeRows(GgmlType.Q8_K, xf, 1, xf.Length);
        var wd = KernelTestSupport.DequantizeRows(type, wq, 1, wf.Length);
        var xd = KernelTestSupport.DequantizeRows(GgmlType.Q8_K, xq, 1, xf.Length);
        double expected = 0, magnitude = 0;
        for (int i = 0; i < wd.Length; i++)
        {
            expected += wd[i] * (double)xd[i];
            magnitude += Math.Abs(wd[i] * (double)xd[i]);
        }
        using var mem = new NativeActivations();
        float got = Run(type, KernelPath.Scalar, mem.Copy(wq), mem.Copy(xq), blocks);
        Assert.True(Math.Abs(got - expected) <= 1e-5 * magnitude, $"{type}: {got} vs {expected}");
    }
}

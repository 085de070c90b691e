using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

/// <summary>
/// F32, F16 and BF16 weight kernels: every SIMD path against its scalar twin (exactly on integer-valued data, within the
/// reordering bound on random data, bit for bit on special values), and every path against a double-precision reference.
/// </summary>
public unsafe class DotFloatTests
{
    private static readonly int[] Lengths = [1, 7, 8, 15, 16, 17, 31, 33, 100, 1000];

    private static float Run(GgmlType type, KernelPath path, byte* w, float* x, int n) => (type, path) switch
    {
        (GgmlType.F32, KernelPath.Avx2) => DotFloat.Avx2F32((float*)w, x, n),
        (GgmlType.F32, KernelPath.Avx512) => DotFloat.Avx512F32((float*)w, x, n),
        (GgmlType.F32, _) => DotFloat.ScalarF32((float*)w, x, n),
        (GgmlType.F16, KernelPath.Avx2) => DotFloat.Avx2F16((ushort*)w, x, n),
        (GgmlType.F16, KernelPath.Avx512) => DotFloat.Avx512F16((ushort*)w, x, n),
        (GgmlType.F16, _) => DotFloat.ScalarF16((ushort*)w, x, n),
        (_, KernelPath.Avx2) => DotFloat.Avx2BF16((ushort*)w, x, n),
        (_, KernelPath.Avx512) => DotFloat.Avx512BF16((ushort*)w, x, n),
        _ => DotFloat.ScalarBF16((ushort*)w, x, n),
    };

    [SkippableTheory]
    [InlineData("Scalar")]
    [InlineData("Avx2")]
    [InlineData("Avx512")]
    public void Kernels_RaggedLengths_MatchDoubleReference(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        KernelTestSupport.RequirePath(path);
        var rng = new Random(31);
        foreach (var type in new[] { GgmlType.F32, GgmlType.F16, GgmlType.BF16 })
        {
            foreach (int n in Lengths)
            {
                var wf = KernelTestSupport.RandomFloats(rng, n, 2f);
                var xf = KernelTestSupport.RandomFloats(rng, n, 2f);
                var wq = KernelTestSupport.QuantizeRows(type, wf, 1, n);
                var wd = KernelTestSupport.DequantizeRows(type, wq, 1, n);
                double expected = 0, magnitude = 0;
                for (int i = 0; i < n; i++)
                {
                    expected += wd[i] * (double)xf[i];
                    magnitude += Math.Abs(wd[i] * (double)xf[i]);
                }
                using var mem = new NativeActivations();
                fixed (float* px = xf)
                {
                    float got = Run(type, path, mem.Copy(wq), px, n);
                    // Float accumulation: |error| ≤ n·ε·Σ|terms| for any summation order; n ≤ 1000 → 1e-4 relative.
                    Assert.True(Math.Abs(got - expected) <= 1e-4 * magnitude + 1e-7, $"{type} {path} n={n}: {got} vs {expected}");
                }
            }
        }
    }

    [SkippableTheory]
    [InlineData("Avx2")]
    [InlineData("Avx512")]
    public void F16_SpecialValues_ConvertLikeScalar(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        KernelTestSupport.RequirePath(path);
        // Subnormal, largest, smallest-normal and negative-zero halves, each against x = 1 in its own lane.
        ushort[] halves = [0x0001, 0x03ff, 0x0400, 0x7bff, 0x8000, 0xfbff, 0x8001, 0x3c00, 0x0200, 0x83ff, 0x4000, 0xc000, 0x1234, 0x9234, 0x5555, 0xd555];
        using var mem = new NativeActivations();
        var w = (ushort*)mem.Alloc(halves.Length * 2);
        var x = (float*)mem.Alloc(halves.Length * 4);
        for (int i = 0; i < halves.Length; i++)
        {
            for (int k = 0; k < halves.Length; k++)
            {
                w[k] = halves[k];
                x[k] = k == i ? 1f : 0f;
            }
            Assert.Equal(DotFloat.ScalarF16(w, x, halves.Length), Run(GgmlType.F16, path, (byte*)w, x, halves.Length));
        }
    }

    private static readonly GgmlType[] FloatTypes = [GgmlType.F32, GgmlType.F16, GgmlType.BF16];

    private static readonly int[] TwinLengths = [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 100, 1000, 1023];

    [SkippableTheory]
    [InlineData("Avx2")]
    [InlineData("Avx512")]
    public void SimdPaths_IntegerValuedInputs_EqualScalarTwinExactly(string pathName)
    {
        // Small integers are exact in F16 and BF16, products and sums (≤ 64·1023) exact in float: any order, same bits.
        var path = Enum.Parse<KernelPath>(pathName);
        KernelTestSupport.RequirePath(path);
        var rng = new Random(57);
        foreach (var type in FloatTypes)
        {
            foreach (var n in TwinLengths)
            {
                var wf = Enumerable.Range(0, n).Select(_ => (float)rng.Next(-8, 9)).ToArray();
                var xf = Enumerable.Range(0, n).Select(_ => (float)rng.Next(-8, 9)).ToArray();
                var wq = KernelTestSupport.QuantizeRows(type, wf, 1, n);
                using var mem = new NativeActivations();
                var w = mem.Copy(wq);
                fixed (float* px = xf)
                {
                    Assert.Equal(Run(type, KernelPath.Scalar, w, px, n), Run(type, path, w, px, n));
                }
            }
        }
    }

    [SkippableTheory]
    [InlineData("Avx2")]
    [InlineData("Avx512")]
    public void SimdPaths_SeededRandomInputs_MatchScalarTwinWithinReorderingBound(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        KernelTestSupport.RequirePath(path);
        var rng = new Random(58);
        foreach (var type in FloatTypes)
        {
            foreach (var n in TwinLengths)
            {
                var wf = KernelTestSupport.RandomFloats(rng, n, 3f);
                var xf = KernelTestSupport.RandomFloats(rng, n, 3f);
                var wq = KernelTestSupport.QuantizeRows(type, wf, 1, n);
                var wd = KernelTestSupport.DequantizeRows(type, wq, 1, n);
                double magnitude = 0;
                for (var i = 0; i < n; i++)
                {
                    magnitude += Math.Abs(wd[i] * (double)xf[i]);
                }
                using var mem = new NativeActivations();
                var w = mem.Copy(wq);
                fixed (float* px = xf)
                {
                    var scalar = Run(type, KernelPath.Scalar, w, px, n);
                    var simd = Run(type, path, w, px, n);
                    // Same products, different summation order: each sum is within (n−1)·ε·Σ|terms| of the exact one.
                    var bound = (2.0 * n * Math.Pow(2, -24) * magnitude) + 1e-30;
                    Assert.True(Math.Abs(simd - scalar) <= bound, $"{type} {path} n={n}: simd {simd} vs scalar {scalar} (bound {bound})");
                }
            }
        }
    }

    [SkippableTheory]
    [InlineData("Avx2")]
    [InlineData("Avx512")]
    public void BF16_SpecialValues_ConvertLikeScalar(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        KernelTestSupport.RequirePath(path);
        // Subnormal, smallest normal, largest finite, negative zero and ordinary values, each against x = 1 in its own lane.
        ushort[] values = [0x0001, 0x007f, 0x0080, 0x7f7f, 0x8000, 0xff7f, 0x8001, 0x3f80, 0xbf80, 0x4049, 0x1234, 0x9234, 0x5555, 0xd555, 0x0040, 0x8080];
        using var mem = new NativeActivations();
        var w = (ushort*)mem.Alloc(values.Length * 2);
        var x = (float*)mem.Alloc(values.Length * 4);
        for (var i = 0; i < values.Length; i++)
        {
            for (var k = 0; k < values.Length; k++)
            {
                w[k] = values[k];
                x[k] = k == i ? 1f : 0f;
            }
            Assert.Equal(DotFloat.ScalarBF16(w, x, values.Length), Run(GgmlType.BF16, path, (byte*)w, x, values.Length));
        }
    }
}

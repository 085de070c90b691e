using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

/// <summary>F32, F16 and BF16 weight kernels against a double-precision reference, for ragged lengths.</summary>
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

    [Theory]
    [InlineData("Scalar")]
    [InlineData("Avx2")]
    [InlineData("Avx512")]
    public void Kernels_RaggedLengths_MatchDoubleReference(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        if (!KernelTestSupport.CanRun(path))
        {
            return;
        }
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

    [Theory]
    [InlineData("Avx2")]
    [InlineData("Avx512")]
    public void F16_SpecialValues_ConvertLikeScalar(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        if (!KernelTestSupport.CanRun(path))
        {
            return;
        }
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
}

using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

/// <summary>Seeded random data and ISA gating shared by the kernel tests.</summary>
internal static class KernelTestSupport
{
    /// <summary>True when the tests run under CI (CI=true), where every SIMD path is required.</summary>
    public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Returns when <paramref name="path"/> can run here. Otherwise the test is reported as skipped with the reason (the test
    /// must be a <c>[SkippableFact]</c> or <c>[SkippableTheory]</c>) — except under CI (CI=true), where it fails: the CI machine
    /// is required to have AVX2 and AVX-512BW so that no SIMD path goes untested.
    /// </summary>
    public static void RequirePath(KernelPath path)
    {
        if (KernelSelection.IsSupported(path))
        {
            return;
        }
        Assert.False(UnderCi, $"Kernel path {path} is not supported on this CI machine.");
        throw new SkipException($"Kernel path {path} is not supported by this CPU ({Isa(path)} missing); its kernels were not tested here.");
    }

    /// <summary>
    /// True if <paramref name="path"/> can run here, for a test that compares several paths in one run and reports the ones it
    /// could not run with <see cref="SkipIfAnyMissing"/>. Under CI an unsupported path fails the test.
    /// </summary>
    public static bool CanRun(KernelPath path)
    {
        if (KernelSelection.IsSupported(path))
        {
            return true;
        }
        Assert.False(UnderCi, $"Kernel path {path} is not supported on this CI machine.");
        return false;
    }

    /// <summary>After the supported paths were checked, reports the test as skipped naming the paths it could not run.</summary>
    public static void SkipIfAnyMissing(IReadOnlyCollection<KernelPath> missing) =>
        Skip.If(missing.Count > 0, $"Kernel paths {string.Join(", ", missing)} are not supported by this CPU and were not compared with the scalar path.");

    private static string Isa(KernelPath path) => path switch
    {
        KernelPath.Avx2 => "AVX2/FMA",
        KernelPath.Avx512 => "AVX-512F/BW",
        _ => path.ToString(),
    };

    /// <summary>Values with a spread of magnitudes (and a few exact zeros), like real weights and activations.</summary>
    public static float[] RandomFloats(Random rng, int n, float scale = 1f)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u = rng.NextDouble() * 2 - 1;
            x[i] = i % 97 == 13 ? 0f : (float)(u * u * u * scale + rng.NextDouble() * 0.1 * scale - 0.05 * scale);
        }
        return x;
    }

    public static byte[] QuantizeRows(GgmlType type, float[] values, int rows, int cols)
    {
        long rowBytes = GgmlTypeInfo.RowBytes(type, cols);
        var data = new byte[rowBytes * rows];
        for (int r = 0; r < rows; r++)
        {
            Quantization.QuantizeRow(type, values.AsSpan(r * cols, cols), data.AsSpan((int)(r * rowBytes), (int)rowBytes));
        }
        return data;
    }

    public static float[] DequantizeRows(GgmlType type, byte[] data, int rows, int cols)
    {
        long rowBytes = GgmlTypeInfo.RowBytes(type, cols);
        var values = new float[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            Quantization.DequantizeRow(type, data.AsSpan((int)(r * rowBytes), (int)rowBytes), values.AsSpan(r * cols, cols));
        }
        return values;
    }
}

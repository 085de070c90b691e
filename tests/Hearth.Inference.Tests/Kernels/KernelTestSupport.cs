using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

/// <summary>Seeded random data and ISA gating shared by the kernel tests.</summary>
internal static class KernelTestSupport
{
    /// <summary>
    /// True if <paramref name="path"/> can run here. Under CI (CI=true) an unsupported path fails the test instead: the CI
    /// machine is required to have AVX2 and AVX-512BW so that no SIMD path goes untested.
    /// </summary>
    public static bool CanRun(KernelPath path)
    {
        if (KernelSelection.IsSupported(path))
        {
            return true;
        }
        Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
            $"Kernel path {path} is not supported on this CI machine.");
        return false;
    }

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

namespace Hearth.Inference.ModelFactory;

/// <summary>
/// Seeded normal values, N(<paramref name="mean"/>, <paramref name="standardDeviation"/>²). Each row has its own generator
/// keyed by (seed, tensor, row), so the output is the same whatever the thread count or the order rows are produced in.
/// </summary>
public sealed class GaussianRowSource(ulong seed, int tensorIndex, float mean, float standardDeviation) : IRowSource
{
    public void ReadRow(long row, Span<float> destination)
    {
        var state = SplitMix64.Mix(seed ^ SplitMix64.Mix((ulong)tensorIndex + 0x9E37_79B9_7F4A_7C15UL) ^ SplitMix64.Mix((ulong)row * 0xBF58_476D_1CE4_E5B9UL + 1));
        for (var i = 0; i < destination.Length; i += 2)
        {
            // Box–Muller: two uniforms in (0, 1] give two independent standard normals.
            var u1 = ((SplitMix64.Next(ref state) >> 11) + 1) * (1.0 / (1UL << 53));
            var u2 = (SplitMix64.Next(ref state) >> 11) * (1.0 / (1UL << 53));
            var radius = Math.Sqrt(-2.0 * Math.Log(u1));
            var (sin, cos) = Math.SinCos(2 * Math.PI * u2);
            destination[i] = mean + standardDeviation * (float)(radius * cos);
            if (i + 1 < destination.Length)
            {
                destination[i + 1] = mean + standardDeviation * (float)(radius * sin);
            }
        }
    }
}

/// <summary>SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, well-mixed 64-bit generator.</summary>
internal static class SplitMix64
{
    public static ulong Next(ref ulong state)
    {
        state += 0x9E37_79B9_7F4A_7C15UL;
        return Mix(state);
    }

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}

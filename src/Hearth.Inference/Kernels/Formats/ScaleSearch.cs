namespace Hearth.Inference.Kernels;

/// <summary>
/// Weighted least-squares searches for the scale (and minimum) of a small group of values, used by the K-quant quantizers.
/// Each search tries a few candidate inverse scales around the naive one and keeps the one with the lowest weighted error.
/// </summary>
internal static class ScaleSearch
{
    /// <summary>
    /// Asymmetric quantization of <paramref name="x"/> to levels 0..<paramref name="levelMax"/> with value ≈ scale·L − min.
    /// Returns the scale, writes levels to <paramref name="levels"/> and the (non-negative) min to <paramref name="min"/>.
    /// </summary>
    public static float ScaleAndMin(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, int levelMax, Span<byte> levels, out float min)
    {
        int n = x.Length;
        float lo = x[0], hi = x[0], sumW = 0, sumX = 0;
        for (int i = 0; i < n; i++)
        {
            lo = MathF.Min(lo, x[i]);
            hi = MathF.Max(hi, x[i]);
            sumW += weights[i];
            sumX += weights[i] * x[i];
        }
        lo = MathF.Min(lo, 0);
        if (hi <= lo)
        {
            levels[..n].Clear();
            min = -lo;
            return 0;
        }
        Span<byte> trial = stackalloc byte[n];
        float bestScale = (hi - lo) / levelMax;
        float bestMin = lo;
        float bestError = Quantize(x, weights, levelMax / (hi - lo), lo, levelMax, levels, bestScale, lo);
        for (int step = 0; step <= 20; step++)
        {
            float iscale = (levelMax - 1f + 0.1f * step) / (hi - lo);
            float sumL = 0, sumL2 = 0, sumXL = 0;
            for (int i = 0; i < n; i++)
            {
                int l = Math.Clamp(HalfBits.NearestInt(iscale * (x[i] - lo)), 0, levelMax);
                trial[i] = (byte)l;
                sumL += weights[i] * l;
                sumL2 += weights[i] * l * l;
                sumXL += weights[i] * l * x[i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det <= 0)
            {
                continue;
            }
            float scale = (sumW * sumXL - sumX * sumL) / det;
            float offset = (sumL2 * sumX - sumL * sumXL) / det;
            if (offset > 0)
            {
                offset = 0;
                scale = sumL2 > 0 ? sumXL / sumL2 : 0;
            }
            float error = 0;
            for (int i = 0; i < n; i++)
            {
                float diff = scale * trial[i] + offset - x[i];
                error += weights[i] * diff * diff;
            }
            if (error < bestError)
            {
                trial.CopyTo(levels);
                bestError = error;
                bestScale = scale;
                bestMin = offset;
            }
        }
        min = -bestMin;
        return bestScale;
    }

    private static float Quantize(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, float iscale, float lo, int levelMax, Span<byte> levels, float scale, float offset)
    {
        float error = 0;
        for (int i = 0; i < x.Length; i++)
        {
            int l = Math.Clamp(HalfBits.NearestInt(iscale * (x[i] - lo)), 0, levelMax);
            levels[i] = (byte)l;
            float diff = scale * l + offset - x[i];
            error += weights[i] * diff * diff;
        }
        return error;
    }

    /// <summary>
    /// Symmetric quantization to levels −<paramref name="levelMax"/>..<paramref name="levelMax"/>−1 (value ≈ scale·l), weighting
    /// each element by x² (larger values matter more). Returns the scale, which carries the sign of the largest-magnitude element.
    /// </summary>
    public static float Symmetric(ReadOnlySpan<float> x, int levelMax)
    {
        float amax = 0, max = 0;
        foreach (float v in x)
        {
            if (MathF.Abs(v) > amax)
            {
                amax = MathF.Abs(v);
                max = v;
            }
        }
        if (amax < 1e-30f)
        {
            return 0;
        }
        float bestScale = 0, bestScore = -1;
        for (int step = -9; step <= 9; step++)
        {
            float iscale = -(levelMax + 0.1f * step) / max;
            float sumLX = 0, sumL2 = 0;
            foreach (float v in x)
            {
                int l = Math.Clamp(HalfBits.NearestInt(iscale * v), -levelMax, levelMax - 1);
                float w = v * v;
                sumLX += w * v * l;
                sumL2 += w * l * l;
            }
            // With the least-squares scale sumLX/sumL2 the weighted error falls as sumLX²/sumL2 grows.
            if (sumL2 > 0 && sumLX * sumLX / sumL2 > bestScore)
            {
                bestScore = sumLX * sumLX / sumL2;
                bestScale = sumLX / sumL2;
            }
        }
        return bestScale;
    }
}

namespace Hearth.Inference.Models.Blocks;

/// <summary>
/// Rotary position embedding. Pair i of a head (i &lt; ropeDim/2) is rotated by angle position·θᵢ with
/// θᵢ = base^(−2i/ropeDim), adjusted by the scaling (linear or Llama 3) and by optional per-frequency divisors.
/// <see cref="RopeStyle.Normal"/> pairs elements (2i, 2i+1); <see cref="RopeStyle.NeoX"/> pairs (i, i + ropeDim/2).
/// </summary>
internal sealed class RotaryEmbedding
{
    private readonly float[] _inverseFrequencies;
    private readonly RopeStyle _style;
    private readonly int _headDimension;

    public RotaryEmbedding(int headDimension, int ropeDimension, float frequencyBase, RopeStyle style, RopeScaling scaling, float[]? frequencyFactors)
    {
        _headDimension = headDimension;
        _style = style;
        var pairs = ropeDimension / 2;
        _inverseFrequencies = new float[pairs];
        for (var i = 0; i < pairs; i++)
        {
            var frequency = 1f / MathF.Pow(frequencyBase, 2 * i / (float)ropeDimension);
            frequency = Scale(frequency, scaling);
            if (frequencyFactors is not null)
            {
                frequency /= frequencyFactors[i];
            }
            _inverseFrequencies[i] = frequency;
        }
    }

    /// <summary>Frequency of each rotated pair (radians per position), after scaling.</summary>
    public ReadOnlySpan<float> Frequencies => _inverseFrequencies;

    /// <summary>Rotates every head of one token's vector (heads × headDimension) for <paramref name="position"/>.</summary>
    public void Apply(Span<float> vector, int headCount, int position)
    {
        var pairs = _inverseFrequencies.Length;
        Span<float> cos = pairs <= 256 ? stackalloc float[pairs] : new float[pairs];
        Span<float> sin = pairs <= 256 ? stackalloc float[pairs] : new float[pairs];
        Angles(position, cos, sin);
        Rotate(vector, headCount, cos, sin);
    }

    /// <summary>cos and sin of position·θᵢ for every pair (each span: ropeDim/2 long).</summary>
    public void Angles(int position, Span<float> cos, Span<float> sin)
    {
        for (var i = 0; i < _inverseFrequencies.Length; i++)
        {
            var angle = position * _inverseFrequencies[i];
            cos[i] = MathF.Cos(angle);
            sin[i] = MathF.Sin(angle);
        }
    }

    /// <summary>Rotates every head of one token's vector with precomputed <see cref="Angles"/>.</summary>
    public void Rotate(Span<float> vector, int headCount, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        var pairs = _inverseFrequencies.Length;
        for (var h = 0; h < headCount; h++)
        {
            var head = vector.Slice(h * _headDimension, _headDimension);
            if (_style == RopeStyle.Normal)
            {
                for (var i = 0; i < pairs; i++)
                {
                    var a = head[2 * i];
                    var b = head[(2 * i) + 1];
                    head[2 * i] = (a * cos[i]) - (b * sin[i]);
                    head[(2 * i) + 1] = (a * sin[i]) + (b * cos[i]);
                }
            }
            else
            {
                for (var i = 0; i < pairs; i++)
                {
                    var a = head[i];
                    var b = head[i + pairs];
                    head[i] = (a * cos[i]) - (b * sin[i]);
                    head[i + pairs] = (a * sin[i]) + (b * cos[i]);
                }
            }
        }
    }

    private static float Scale(float frequency, RopeScaling scaling)
    {
        switch (scaling.Kind)
        {
            case RopeScalingKind.Linear:
                return frequency / scaling.Factor;
            case RopeScalingKind.Llama3:
                var lowFrequencyWavelength = scaling.OriginalContextLength / scaling.LowFrequencyFactor;
                var highFrequencyWavelength = scaling.OriginalContextLength / scaling.HighFrequencyFactor;
                var wavelength = 2f * MathF.PI / frequency;
                if (wavelength < highFrequencyWavelength)
                {
                    return frequency;
                }
                if (wavelength > lowFrequencyWavelength)
                {
                    return frequency / scaling.Factor;
                }
                var smooth = ((scaling.OriginalContextLength / wavelength) - scaling.LowFrequencyFactor)
                    / (scaling.HighFrequencyFactor - scaling.LowFrequencyFactor);
                return ((1f - smooth) * frequency / scaling.Factor) + (smooth * frequency);
            default:
                return frequency;
        }
    }
}

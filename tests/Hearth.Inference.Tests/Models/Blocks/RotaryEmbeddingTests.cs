using Hearth.Inference.Models;
using Hearth.Inference.Models.Blocks;

namespace Hearth.Inference.Tests.Models.Blocks;

public sealed class RotaryEmbeddingTests
{
    private static float[] RandomVector(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((r.NextDouble() * 2) - 1)).ToArray();
    }

    [Fact]
    public void Apply_Normal_RotatesAdjacentPairsLikeReference()
    {
        const int headDim = 8;
        var rope = new RotaryEmbedding(headDim, headDim, 10000f, RopeStyle.Normal, RopeScaling.None, null);
        var v = RandomVector(2 * headDim, 1);
        var expected = (float[])v.Clone();
        const int pos = 5;
        for (var h = 0; h < 2; h++)
        {
            for (var i = 0; i < headDim; i += 2)
            {
                var theta = pos / Math.Pow(10000, i / (double)headDim);
                var a = expected[(h * headDim) + i];
                var b = expected[(h * headDim) + i + 1];
                expected[(h * headDim) + i] = (float)((a * Math.Cos(theta)) - (b * Math.Sin(theta)));
                expected[(h * headDim) + i + 1] = (float)((a * Math.Sin(theta)) + (b * Math.Cos(theta)));
            }
        }
        rope.Apply(v, 2, pos);
        for (var i = 0; i < v.Length; i++)
        {
            Assert.Equal(expected[i], v[i], 4);
        }
    }

    [Fact]
    public void Apply_NeoX_RotatesHalvesLikeReference()
    {
        const int headDim = 8;
        var rope = new RotaryEmbedding(headDim, headDim, 1000000f, RopeStyle.NeoX, RopeScaling.None, null);
        var v = RandomVector(headDim, 2);
        var expected = (float[])v.Clone();
        const int pos = 11;
        for (var i = 0; i < headDim / 2; i++)
        {
            var theta = pos / Math.Pow(1000000, 2 * i / (double)headDim);
            var a = v[i];
            var b = v[i + (headDim / 2)];
            expected[i] = (float)((a * Math.Cos(theta)) - (b * Math.Sin(theta)));
            expected[i + (headDim / 2)] = (float)((a * Math.Sin(theta)) + (b * Math.Cos(theta)));
        }
        rope.Apply(v, 1, pos);
        for (var i = 0; i < v.Length; i++)
        {
            Assert.Equal(expected[i], v[i], 4);
        }
    }

    [Fact]
    public void Apply_PartialRopeDimension_LeavesTailUntouched()
    {
        var rope = new RotaryEmbedding(8, 4, 10000f, RopeStyle.NeoX, RopeScaling.None, null);
        var v = RandomVector(8, 3);
        var before = (float[])v.Clone();
        rope.Apply(v, 1, 7);
        Assert.Equal(before[4..], v[4..]);
        Assert.NotEqual(before[..4], v[..4]);
    }

    [Fact]
    public void Apply_PositionZero_IsIdentity()
    {
        var rope = new RotaryEmbedding(4, 4, 10000f, RopeStyle.Normal, RopeScaling.None, null);
        var v = RandomVector(4, 4);
        var before = (float[])v.Clone();
        rope.Apply(v, 1, 0);
        Assert.Equal(before, v);
    }

    [Fact]
    public void Frequencies_Linear_DividedByFactor()
    {
        var plain = new RotaryEmbedding(8, 8, 10000f, RopeStyle.Normal, RopeScaling.None, null);
        var linear = new RotaryEmbedding(8, 8, 10000f, RopeStyle.Normal, new RopeScaling(RopeScalingKind.Linear, Factor: 4f), null);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(plain.Frequencies[i] / 4f, linear.Frequencies[i], 6);
        }
    }

    [Fact]
    public void Frequencies_Llama3_KeepsHighDividesLowAndRampsBetween()
    {
        // Llama 3.1: factor 8, low 1, high 4, original context 8192; head dim 128, base 500000.
        var scaling = new RopeScaling(RopeScalingKind.Llama3, 8f, 1f, 4f, 8192);
        var plain = new RotaryEmbedding(128, 128, 500000f, RopeStyle.Normal, RopeScaling.None, null);
        var scaled = new RotaryEmbedding(128, 128, 500000f, RopeStyle.Normal, scaling, null);
        Assert.Equal(plain.Frequencies[0], scaled.Frequencies[0]);                       // wavelength 2π < 2048
        Assert.Equal(plain.Frequencies[63] / 8f, scaled.Frequencies[63], 9);             // wavelength ≫ 8192
        var ramped = 0;
        for (var i = 0; i < 64; i++)
        {
            var wavelength = 2 * Math.PI / plain.Frequencies[i];
            if (wavelength > 2048 && wavelength < 8192)
            {
                ramped++;
                Assert.InRange(scaled.Frequencies[i], plain.Frequencies[i] / 8f, plain.Frequencies[i]);
            }
        }
        Assert.True(ramped > 0);
    }

    [Fact]
    public void Frequencies_FactorsTensor_DividesEachFrequency()
    {
        var plain = new RotaryEmbedding(4, 4, 10000f, RopeStyle.Normal, RopeScaling.None, null);
        var factored = new RotaryEmbedding(4, 4, 10000f, RopeStyle.Normal, RopeScaling.None, [1f, 2f]);
        Assert.Equal(plain.Frequencies[0], factored.Frequencies[0]);
        Assert.Equal(plain.Frequencies[1] / 2f, factored.Frequencies[1], 7);
    }
}

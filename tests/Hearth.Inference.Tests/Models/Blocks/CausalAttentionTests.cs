using Hearth.Inference.Engine;
using Hearth.Inference.Models;
using Hearth.Inference.Models.Blocks;

namespace Hearth.Inference.Tests.Models.Blocks;

public sealed class CausalAttentionTests
{
    [Theory]
    [InlineData(KvCacheElementType.F32, 5)]
    [InlineData(KvCacheElementType.F16, 2)]
    public void Compute_MatchesNaiveSoftmaxAttention(KvCacheElementType type, int digits)
    {
        const int headDim = 4, kvHeads = 2, positions = 6;
        var random = new Random(5);
        float Next() => (float)((random.NextDouble() * 2) - 1);
        var cache = new KvCache(1, 8, kvHeads * headDim, type);
        var keys = new float[positions][];
        var values = new float[positions][];
        for (var p = 0; p < positions; p++)
        {
            keys[p] = Enumerable.Range(0, kvHeads * headDim).Select(_ => Next()).ToArray();
            values[p] = Enumerable.Range(0, kvHeads * headDim).Select(_ => Next()).ToArray();
            cache.Store(0, p, keys[p], values[p]);
        }
        var query = Enumerable.Range(0, headDim).Select(_ => Next()).ToArray();
        const int kvHead = 1;
        var scale = 1f / MathF.Sqrt(headDim);

        var scores = new double[positions];
        for (var p = 0; p < positions; p++)
        {
            for (var d = 0; d < headDim; d++)
            {
                scores[p] += query[d] * keys[p][(kvHead * headDim) + d] * scale;
            }
        }
        var max = scores.Max();
        var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
        var sum = weights.Sum();
        var expected = new double[headDim];
        for (var p = 0; p < positions; p++)
        {
            for (var d = 0; d < headDim; d++)
            {
                expected[d] += weights[p] / sum * values[p][(kvHead * headDim) + d];
            }
        }

        var output = new float[headDim];
        CausalAttention.Compute(query, cache, 0, kvHead, positions, scale, new float[8], new float[headDim], output);
        for (var d = 0; d < headDim; d++)
        {
            Assert.Equal(expected[d], output[d], digits);
        }
    }

    [Theory]
    [InlineData(8, 1)]
    [InlineData(16, 37)]
    [InlineData(40, 5)]
    [InlineData(64, 70)]
    [InlineData(72, 3)]
    [InlineData(128, 9)]
    [InlineData(64, 33, 400f)]   // scores in the hundreds: exp overflows float unless the max is subtracted first
    public void Compute_F32VectorHeadSizes_MatchesNaiveAttention(int headDim, int positions, float keyScale = 3f)
    {
        const int kvHeads = 3, kvHead = 2;
        var random = new Random(headDim * 100 + positions);
        float Next() => (float)((random.NextDouble() * 2) - 1);
        var kvDim = kvHeads * headDim;
        var cache = new KvCache(2, positions + 1, kvDim, KvCacheElementType.F32);
        var keys = new float[positions][];
        var values = new float[positions][];
        for (var p = 0; p < positions; p++)
        {
            keys[p] = Enumerable.Range(0, kvDim).Select(_ => Next() * keyScale).ToArray();
            values[p] = Enumerable.Range(0, kvDim).Select(_ => Next()).ToArray();
            cache.Store(1, p, keys[p], values[p]);
        }
        var query = Enumerable.Range(0, headDim).Select(_ => Next()).ToArray();
        var scale = 1f / MathF.Sqrt(headDim);
        var scores = new double[positions];
        for (var p = 0; p < positions; p++)
        {
            for (var d = 0; d < headDim; d++)
            {
                scores[p] += (double)query[d] * keys[p][(kvHead * headDim) + d] * scale;
            }
        }
        var max = scores.Max();
        var weights = scores.Select(x => Math.Exp(x - max)).ToArray();
        var sum = weights.Sum();

        var output = Enumerable.Repeat(float.NaN, headDim).ToArray();   // the kernel must overwrite, not accumulate
        CausalAttention.Compute(query, cache, 1, kvHead, positions, scale, new float[positions + 3], new float[headDim], output);
        for (var d = 0; d < headDim; d++)
        {
            var expected = 0.0;
            for (var p = 0; p < positions; p++)
            {
                expected += weights[p] / sum * values[p][(kvHead * headDim) + d];
            }
            Assert.Equal(expected, output[d], 1e-5);
        }
    }

    [Theory]
    [InlineData(KvCacheElementType.F32)]
    [InlineData(KvCacheElementType.F16)]
    public void Compute_ScoresBeyondFloatExpRange_ReturnsFiniteWeightedValues(KvCacheElementType type)
    {
        // Position 1's score is ~1000 and position 0's ~999: a softmax without max-subtraction gives inf/inf = NaN.
        var cache = new KvCache(1, 2, 8, type);
        cache.Store(0, 0, [999f, 0, 0, 0, 0, 0, 0, 0], [1f, 0, 0, 0, 0, 0, 0, 0]);
        cache.Store(0, 1, [1000f, 0, 0, 0, 0, 0, 0, 0], [0f, 1f, 0, 0, 0, 0, 0, 0]);
        var output = new float[8];

        CausalAttention.Compute([1f, 0, 0, 0, 0, 0, 0, 0], cache, 0, 0, 2, 1f, new float[2], new float[8], output);

        var w1 = 1 / (1 + Math.Exp(-1));
        Assert.Equal(1 - w1, output[0], 1e-3);
        Assert.Equal(w1, output[1], 1e-3);
    }

    [Fact]
    public void Compute_SinglePosition_ReturnsItsValue()
    {
        var cache = new KvCache(1, 2, 2, KvCacheElementType.F32);
        cache.Store(0, 0, [3f, -1f], [0.25f, 7f]);
        var output = new float[2];
        CausalAttention.Compute([1f, 2f], cache, 0, 0, 1, 0.7f, new float[2], new float[2], output);
        Assert.Equal([0.25f, 7f], output);
    }
}

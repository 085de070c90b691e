using Hearth.Inference.Engine;
using Hearth.Inference.Engine.Sampling;

namespace Hearth.Inference.Tests.Engine.Sampling;

public sealed class SamplerTests
{
    private static float[] Logits(params double[] probabilities) => probabilities.Select(p => (float)Math.Log(p)).ToArray();

    [Fact]
    public void Choose_TemperatureZero_ReturnsArgMax()
    {
        var sampler = new Sampler(SamplingOptions.Greedy, 5);
        Assert.Equal(3, sampler.Choose([0.1f, -2f, 1.5f, 2.5f, 2.4f]));
    }

    [Fact]
    public void Choose_TopKOne_AlwaysMostLikely()
    {
        var sampler = new Sampler(new SamplingOptions { Temperature = 1.5f, TopK = 1, Seed = 7 }, 4);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(2, sampler.Choose([1f, 0.5f, 1.2f, 1.1f]));
        }
    }

    [Fact]
    public void Choose_SameSeed_SameDraws()
    {
        var options = new SamplingOptions { Temperature = 1f, Seed = 12345 };
        var logits = Logits(0.2, 0.2, 0.2, 0.2, 0.2);
        var a = new Sampler(options, 5);
        var b = new Sampler(options, 5);
        var drawsA = Enumerable.Range(0, 64).Select(_ => a.Choose(logits)).ToArray();
        var drawsB = Enumerable.Range(0, 64).Select(_ => b.Choose(logits)).ToArray();
        Assert.Equal(drawsA, drawsB);
        var c = new Sampler(options with { Seed = 54321 }, 5);
        var drawsC = Enumerable.Range(0, 64).Select(_ => c.Choose(logits)).ToArray();
        Assert.NotEqual(drawsA, drawsC);
    }

    [Fact]
    public void Choose_Temperature1_FollowsDistribution()
    {
        var sampler = new Sampler(new SamplingOptions { Temperature = 1f, Seed = 1 }, 3);
        var logits = Logits(0.6, 0.3, 0.1);
        var counts = new int[3];
        const int draws = 20000;
        for (var i = 0; i < draws; i++)
        {
            counts[sampler.Choose(logits)]++;
        }
        Assert.InRange(counts[0] / (double)draws, 0.58, 0.62);
        Assert.InRange(counts[1] / (double)draws, 0.28, 0.32);
        Assert.InRange(counts[2] / (double)draws, 0.08, 0.12);
    }

    [Fact]
    public void Choose_LowTemperatureLargeLogits_SamplesTheLikelyTokenWithoutOverflow()
    {
        // 40 / 0.05 = 800: exp(800) is infinite in float, so the softmax must subtract the maximum first.
        var sampler = new Sampler(new SamplingOptions { Temperature = 0.05f, TopP = 0.9f, Seed = 7 }, 4);
        var draws = Enumerable.Range(0, 50).Select(_ => sampler.Choose([40f, 39.5f, -3f, 12f])).ToList();

        Assert.All(draws, d => Assert.Equal(0, d));
    }

    [Fact]
    public void Choose_TopP_KeepsOnlyNucleus()
    {
        var sampler = new Sampler(new SamplingOptions { Temperature = 1f, TopP = 0.85f, Seed = 3 }, 4);
        var logits = Logits(0.1, 0.5, 0.05, 0.35);
        var seen = new HashSet<int>();
        for (var i = 0; i < 2000; i++)
        {
            seen.Add(sampler.Choose(logits));
        }
        Assert.Equal([1, 3], seen.Order());
    }

    [Fact]
    public void Choose_MinP_DropsUnlikelyTokens()
    {
        var sampler = new Sampler(new SamplingOptions { Temperature = 1f, MinP = 0.3f, Seed = 3 }, 4);
        var logits = Logits(0.5, 0.1, 0.25, 0.15);
        var seen = new HashSet<int>();
        for (var i = 0; i < 2000; i++)
        {
            seen.Add(sampler.Choose(logits));
        }
        Assert.Equal([0, 2], seen.Order());
    }

    [Fact]
    public void Choose_MaskedTokens_NeverChosen()
    {
        var sampler = new Sampler(new SamplingOptions { Temperature = 2f, Seed = 9 }, 4);
        float[] logits = [5f, float.NegativeInfinity, 0f, float.NegativeInfinity];
        for (var i = 0; i < 500; i++)
        {
            Assert.Contains(sampler.Choose(logits), new[] { 0, 2 });
        }
    }

    [Fact]
    public void Choose_EverythingMasked_Throws()
    {
        var sampler = new Sampler(new SamplingOptions { Temperature = 1f, Seed = 9 }, 2);
        Assert.Throws<InvalidOperationException>(() => sampler.Choose([float.NegativeInfinity, float.NegativeInfinity]));
        Assert.Throws<InvalidOperationException>(() => Sampler.ArgMax([float.NegativeInfinity, float.NegativeInfinity]));
    }

    [Fact]
    public void Choose_NaNLogitsFromACorruptModel_ThrowsModelOutputException()
    {
        var sampler = new Sampler(new SamplingOptions { Temperature = 1f, Seed = 9 }, 3);
        Assert.Throws<ModelOutputException>(() => sampler.Choose([float.NaN, float.NaN, float.NaN]));
        Assert.Throws<ModelOutputException>(() => Sampler.ArgMax([float.NaN, float.NegativeInfinity, float.NaN]));
        Assert.Equal(1, Sampler.ArgMax([float.NaN, 0.5f, float.NaN]));
    }

    [Fact]
    public void ApplyPenalties_RepetitionPresenceFrequency_AdjustLogitsOfWindowTokens()
    {
        var sampler = new Sampler(new SamplingOptions { RepetitionPenalty = 2f, PresencePenalty = 0.5f, FrequencyPenalty = 0.25f, PenaltyWindowTokens = 3 }, 4);
        float[] logits = [4f, -1f, 2f, 1f];
        sampler.ApplyPenalties(logits, [3, 0, 1, 1]);   // window = [0, 1, 1]: token 3 is outside it
        Assert.Equal((4f / 2f) - 0.5f - 0.25f, logits[0], 5);
        Assert.Equal((-1f * 2f) - 0.5f - 0.5f, logits[1], 5);
        Assert.Equal(2f, logits[2]);
        Assert.Equal(1f, logits[3]);
    }

    [Fact]
    public void SelectLargest_RandomInput_MatchesSort()
    {
        var random = new Random(42);
        for (var trial = 0; trial < 50; trial++)
        {
            var n = random.Next(1, 300);
            var k = random.Next(1, n + 1);
            var values = Enumerable.Range(0, n).Select(_ => (float)random.Next(-20, 20)).ToArray();
            var ids = Enumerable.Range(0, n).ToArray();
            var expected = values.OrderDescending().Take(k).ToArray();
            var work = (float[])values.Clone();
            Sampler.SelectLargest(work, ids, k);
            Assert.Equal(expected, work.Take(k).OrderDescending().ToArray());
            for (var i = 0; i < n; i++)
            {
                Assert.Equal(values[ids[i]], work[i]);
            }
        }
    }

    [Fact]
    public void Validate_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SamplingOptions { Temperature = -1f }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SamplingOptions { TopP = 0f }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SamplingOptions { TopK = -2 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SamplingOptions { FrequencyPenalty = 3f }.Validate());
    }
}

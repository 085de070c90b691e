using Hearth.Routing.Evaluation;
using Hearth.Routing.Learning;

namespace Hearth.Routing.Tests.Learning;

public sealed class RouterModelTests
{
    private static List<RoutingExample> Synthetic(int n, int seed)
    {
        var rng = new Random(seed);
        var list = new List<RoutingExample>();
        for (int i = 0; i < n; i++)
        {
            var hard = rng.Next(2) == 0;
            var prompt = hard
                ? $"Prove the theorem about group {i} and compute the integral of x^{rng.Next(9)} step by step."
                : $"What colour is the sky on day {i}?";
            var weak = hard ? (rng.NextDouble() < 0.2 ? 1 : 0) : (rng.NextDouble() < 0.9 ? 1 : 0);
            list.Add(new RoutingExample(prompt, weak, rng.NextDouble() < 0.9 ? 1 : 0, "answer " + i));
        }
        return list;
    }

    [Fact]
    public void Train_SameDataAndSeed_ByteIdenticalModels()
    {
        var data = Synthetic(400, 1);
        var a = new MemoryStream();
        var b = new MemoryStream();
        RouterModelFormat.Save(RouterTrainer.Train(data, new RouterTrainingOptions()), a);
        RouterModelFormat.Save(RouterTrainer.Train(data, new RouterTrainingOptions()), b);
        Assert.Equal(a.ToArray(), b.ToArray());
    }

    [Fact]
    public void Train_LearnsSignal_HardPromptsScoreHigher()
    {
        var model = RouterTrainer.Train(Synthetic(600, 2), new RouterTrainingOptions { HashBits = 12 });
        var hard = model.EscalationScore("Prove the theorem about group 9999 and compute the integral of x^3 step by step.");
        var easy = model.EscalationScore("What colour is the sky on day 9999?");
        Assert.True(hard > easy, $"hard {hard} easy {easy}");
        var test = Synthetic(300, 3);
        var curve = RoutingCurve.Build(test.Select(e => model.EscalationScore(e.Prompt)).ToArray(), test);
        Assert.True(curve.Apgr() > 0.7, curve.Apgr().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void SaveLoad_RoundTrip_SameScoresAndThresholds()
    {
        var model = RouterTrainer.Train(Synthetic(200, 4), new RouterTrainingOptions { Kind = RouterKind.Cascade, HashBits = 10 });
        var stream = new MemoryStream();
        RouterModelFormat.Save(model, stream);
        stream.Position = 0;
        var loaded = RouterModelFormat.Load(stream, "mem");
        Assert.Equal(RouterKind.Cascade, loaded.Kind);
        Assert.Equal(model.EscalationScore("hello", "world"), loaded.EscalationScore("hello", "world"));
        Assert.Equal(model.ThresholdForEscalationShare(0.3), loaded.ThresholdForEscalationShare(0.3));
    }

    [Fact]
    public void Load_BadMagicOrTruncated_ThrowsTyped()
    {
        Assert.Throws<RouterModelFormatException>(() => RouterModelFormat.Load(new MemoryStream("NOPE1234"u8.ToArray()), "x"));
        var stream = new MemoryStream();
        RouterModelFormat.Save(RouterTrainer.Train(Synthetic(50, 5), new RouterTrainingOptions { HashBits = 8 }), stream);
        var e = Assert.Throws<RouterModelFormatException>(() => RouterModelFormat.Load(new MemoryStream(stream.ToArray()[..100]), "cut.bin"));
        Assert.Contains("cut.bin", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Thresholds_ShareEndpointsAndMonotone()
    {
        var model = EmbeddedRouters.Predictive();
        Assert.Equal(double.PositiveInfinity, model.ThresholdForEscalationShare(0));
        Assert.Equal(double.NegativeInfinity, model.ThresholdForEscalationShare(1));
        Assert.True(model.ThresholdForEscalationShare(0.2) >= model.ThresholdForEscalationShare(0.5));
        Assert.True(model.ThresholdForQuality(0.9) <= model.ThresholdForQuality(0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ThresholdForEscalationShare(1.5));
    }

    [Fact]
    public void Train_CascadeWithoutResponses_Throws()
    {
        var data = Synthetic(20, 6).Select(e => e with { WeakResponse = null }).ToList();
        Assert.Throws<RoutingDataException>(() => RouterTrainer.Train(data, new RouterTrainingOptions { Kind = RouterKind.Cascade }));
    }
}

using Hearth.Routing.Learning;

namespace Hearth.Routing.Tests.Learning;

public sealed class BoostedTreesTests
{
    [Fact]
    public void Train_InteractionLinearModelsMiss_IsLearned()
    {
        // Label = 1 exactly when both features are high (an AND a linear score over one feature cannot separate).
        var rng = new Random(11);
        var xs = new List<double[]>();
        var ys = new List<double>();
        for (int i = 0; i < 2000; i++)
        {
            var a = rng.NextDouble();
            var b = rng.NextDouble();
            xs.Add([a, b, rng.NextDouble()]);
            ys.Add(a > 0.5 && b > 0.5 ? 1 : 0);
        }
        var model = BoostedTrees.Train(xs, ys, trees: 60, depth: 2, learningRate: 0.3, lambda: 1, minLeaf: 20);
        Assert.True(model.Margin([0.9, 0.9, 0.5]) > 2);
        Assert.True(model.Margin([0.9, 0.1, 0.5]) < -2);
        Assert.True(model.Margin([0.1, 0.9, 0.5]) < -2);
    }

    [Fact]
    public void Train_Deterministic()
    {
        var xs = Enumerable.Range(0, 300).Select(i => new double[] { i % 7, i % 11 }).ToList();
        var ys = xs.Select(x => x[0] > 3 ? 1.0 : 0.0).ToList();
        var a = BoostedTrees.Train(xs, ys, 10, 2, 0.1, 1, 10);
        var b = BoostedTrees.Train(xs, ys, 10, 2, 0.1, 1, 10);
        Assert.All(xs, x => Assert.Equal(a.Margin(x), b.Margin(x)));
    }

    [Fact]
    public void Load_TreeWithBackwardChild_Rejected()
    {
        var data = Enumerable.Range(0, 60).Select(i => new Hearth.Routing.Evaluation.RoutingExample($"q {i} {(i % 2 == 0 ? "hard proof" : "easy")}", i % 2, 1)).ToList();
        var stream = new MemoryStream();
        RouterModelFormat.Save(RouterTrainer.Train(data, new RouterTrainingOptions { HashBits = 8, Trees = 1, TreeDepth = 1 }), stream);
        var bytes = stream.ToArray();
        // Last tree: i32 node count then nodes of (i32 feature, f64 threshold, i32 left, i32 right, f64 value) = 28 bytes.
        // Find the root node: node count precedes it; point its left child at itself (index 0).
        int nodeBytes = 28;
        int nodes = BitConverter.ToInt32(bytes, bytes.Length - 4 - (nodeBytes * 3));
        Assert.Equal(3, nodes);
        int root = bytes.Length - (nodeBytes * 3);
        BitConverter.GetBytes(0).CopyTo(bytes, root + 12);
        var e = Assert.Throws<RouterModelFormatException>(() => RouterModelFormat.Load(new MemoryStream(bytes), "evil.bin"));
        Assert.Contains("tree 0 node 0", e.Message, StringComparison.Ordinal);
    }
}

using Hearth.Routing.Evaluation;

namespace Hearth.Routing.Tests.Evaluation;

public sealed class KFoldTests
{
    private static List<RoutingExample> Data(int n)
    {
        var rng = new Random(7);
        var list = new List<RoutingExample>();
        for (int i = 0; i < n; i++)
        {
            list.Add(new RoutingExample($"prompt {i % (n - 10)}", rng.Next(2), rng.Next(2)));
        }
        return list;
    }

    [Fact]
    public void Assign_TrainAndTestNeverShareAPrompt()
    {
        var data = Data(500);
        var folds = KFold.Assign(data, 5, 42);
        for (int f = 0; f < 5; f++)
        {
            var test = data.Where((_, i) => folds[i] == f).Select(e => e.Prompt).ToHashSet();
            var train = data.Where((_, i) => folds[i] != f).Select(e => e.Prompt).ToHashSet();
            Assert.NotEmpty(test);
            Assert.Empty(test.Intersect(train));
        }
    }

    [Fact]
    public void Assign_EveryExampleInExactlyOneFold_Balanced()
    {
        var data = Data(1000);
        var folds = KFold.Assign(data, 5, 1);
        Assert.All(folds, f => Assert.InRange(f, 0, 4));
        var sizes = folds.GroupBy(f => f).Select(g => g.Count()).ToArray();
        Assert.Equal(5, sizes.Length);
        Assert.True(sizes.Max() - sizes.Min() <= 25, string.Join(",", sizes));
    }

    [Fact]
    public void Assign_Stratified_WeakFailureRateSimilarAcrossFolds()
    {
        var data = Data(1000);
        var folds = KFold.Assign(data, 5, 3);
        var rates = Enumerable.Range(0, 5).Select(f => data.Where((_, i) => folds[i] == f).Average(e => e.WeakQuality)).ToArray();
        Assert.True(rates.Max() - rates.Min() < 0.05, string.Join(",", rates));
    }

    [Fact]
    public void Assign_SameSeed_SameSplit_OtherSeed_Differs()
    {
        var data = Data(300);
        Assert.Equal(KFold.Assign(data, 5, 9), KFold.Assign(data, 5, 9));
        Assert.NotEqual(KFold.Assign(data, 5, 9), KFold.Assign(data, 5, 10));
    }

    [Fact]
    public void Assign_OneFold_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KFold.Assign(Data(50), 1, 0));
    }
}

using Hearth.Server.Benchmarks;

namespace Hearth.Server.Tests.Benchmarks;

public sealed class GatewayBenchmarkTests
{
    [Fact]
    public async Task Run_ShortLowRate_MeasuresAllTargetsWithoutErrors()
    {
        var lines = new List<string>();

        var results = await GatewayBenchmark.RunAsync(new GatewayBenchmarkOptions
        {
            RatesPerSecond = [50],
            Duration = TimeSpan.FromSeconds(1),
            Warmup = TimeSpan.FromMilliseconds(200),
            UseNginx = false,
        }, lines.Add, CancellationToken.None);

        var r = Assert.Single(results);
        Assert.Equal(50, r.Direct.Sent);
        Assert.Equal(0, r.Direct.Errors + r.Hearth.Errors);
        Assert.True(r.Hearth.P50Milliseconds > 0 && r.Direct.P50Milliseconds > 0);
        Assert.True(r.Hearth.P99Milliseconds >= r.Hearth.P50Milliseconds);
    }

    [Fact]
    public void Percentile_NearestRank_PicksExpectedElements()
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

        Assert.Equal(5, OpenLoopLoadGenerator.Percentile(sorted, 0.5));
        Assert.Equal(10, OpenLoopLoadGenerator.Percentile(sorted, 0.99));
        Assert.Equal(1, OpenLoopLoadGenerator.Percentile(sorted, 0.01));
    }
}

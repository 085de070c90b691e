using Hearth.Benchmarks.Gateway;

namespace Hearth.Benchmarks.Tests.Gateway;

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
        Assert.Null(r.NodeMemory);   // in-process: only the managed heap is known
        Assert.True(r.HeapBytesBefore > 0 && r.HeapBytesAfter > 0);
    }

    [Theory]
    [InlineData(new long[] { 100 << 20, 101 << 20, 100 << 20, 102 << 20, 101 << 20, 103 << 20 }, true)]
    [InlineData(new long[] { 100 << 20, 110 << 20, 120 << 20, 130 << 20, 140 << 20, 150 << 20 }, false)]
    [InlineData(new long[] { 10 << 20, 11 << 20, 12 << 20, 13 << 20 }, true)]   // +3 MiB on a small process: within 4 MiB
    public void NodeMemoryTrace_FirstVersusLastThird_DecidesFlat(long[] samples, bool flat)
    {
        var trace = NodeMemoryTrace.From(samples);

        Assert.Equal(flat, trace.IsFlat);
        Assert.Equal(samples.Max(), trace.MaxBytes);
        Assert.Equal(samples.Length, trace.Samples);
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

using System.Diagnostics;

namespace Hearth.Inference.Tests.Gguf;

public sealed class FuzzHarnessTests
{
    [Fact]
    public void Run_OneCaseHangs_ReportsItWithinTheBoundInsteadOfWaiting()
    {
        var watch = Stopwatch.StartNew();

        var failures = FuzzHarness.Run(100, workers: 2, TimeSpan.FromMilliseconds(300), (i, _) =>
        {
            if (i == 7)
            {
                Thread.Sleep(TimeSpan.FromSeconds(5));   // stands in for a parser stuck in a loop
            }
            return null;
        }, i => $"mutation #{i}");

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
        var failure = Assert.Single(failures);
        Assert.Contains("case 7 ran longer than", failure, StringComparison.Ordinal);
        Assert.Contains("mutation #7", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_FailuresAndExceptions_AreCollectedAndEveryCaseRuns()
    {
        var ran = 0;

        var failures = FuzzHarness.Run(50, workers: 2, FuzzHarness.DefaultBound, (i, _) =>
        {
            Interlocked.Increment(ref ran);
            return i == 3 ? "bad 3" : i == 4 ? throw new InvalidDataException("boom") : null;
        });

        Assert.Equal(50, ran);
        Assert.Equal(2, failures.Count);
        Assert.Contains("bad 3", failures);
        Assert.Contains(failures, f => f.Contains("InvalidDataException: boom", StringComparison.Ordinal));
    }
}

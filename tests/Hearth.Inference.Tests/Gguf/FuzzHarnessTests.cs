namespace Hearth.Inference.Tests.Gguf;

public sealed class FuzzHarnessTests
{
    [Fact]
    public void Run_OneCaseHangs_ReportsItWithinTheBoundInsteadOfWaiting()
    {
        // Case 7 blocks until the test releases it after Run has returned: if Run waited for a stuck case, it would not return
        // while case 7 is still blocked, so "still blocked when Run returned" shows it did not wait, with no timing assert.
        using var release = new ManualResetEventSlim();
        var finished7 = 0;

        var failures = FuzzHarness.Run(100, workers: 2, TimeSpan.FromMilliseconds(300), (i, _) =>
        {
            if (i == 7)
            {
                // Stands in for a parser stuck in a loop; the 120 s cap only keeps a broken harness from hanging the run.
                release.Wait(TimeSpan.FromSeconds(120));
                Volatile.Write(ref finished7, 1);
            }
            return null;
        }, i => $"mutation #{i}");

        var stillBlocked = Volatile.Read(ref finished7) == 0;
        release.Set();
        Assert.True(stillBlocked, "Run returned only after the stuck case finished");
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

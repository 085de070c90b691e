using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

public sealed class ThreadCpuClockTests
{
    private sealed class SpinBody : IParallelBody
    {
        public void Run(int start, int end, int worker)
        {
            var until = DateTime.UtcNow.AddMilliseconds(20);
            while (DateTime.UtcNow < until)
            {
                Thread.SpinWait(64);
            }
        }
    }

    [Fact]
    public void CurrentThreadSeconds_Spinning_AdvancesByAboutTheSpin()
    {
        Assert.True(ThreadCpuClock.IsAvailable, "This Linux host must have per-thread CPU clocks.");
        var t0 = ThreadCpuClock.CurrentThreadSeconds();
        var until = DateTime.UtcNow.AddMilliseconds(50);
        while (DateTime.UtcNow < until)
        {
            Thread.SpinWait(64);
        }
        var spent = ThreadCpuClock.CurrentThreadSeconds() - t0;
        Assert.InRange(spent, 0.001, 0.2);   // at most the wall time (plus slack); above zero even if descheduled part of it
    }

    [Fact]
    public void WorkerCpuSeconds_AfterParallelSpinning_Advances()
    {
        using var pool = new ComputePool(2, TimeSpan.Zero);
        var before = pool.WorkerCpuSeconds();
        for (var i = 0; i < 5; i++)
        {
            pool.For(8, new SpinBody());   // 8 chunks of 20 ms: the worker takes some of them
        }
        var after = pool.WorkerCpuSeconds();
        Assert.False(double.IsNaN(before));
        Assert.True(after - before > 0.001, $"worker CPU advanced by {after - before} s");
    }

    [Fact]
    public void WorkerCpuSeconds_SingleThreadPool_IsZero()
    {
        using var pool = new ComputePool(1);
        Assert.Equal(0, pool.WorkerCpuSeconds());
    }
}

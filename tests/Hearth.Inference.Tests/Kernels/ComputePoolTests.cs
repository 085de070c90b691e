using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

public class ComputePoolTests
{
    private sealed class CountingBody(int count) : IParallelBody
    {
        public int[] Hits { get; } = new int[count];
        public int MaxWorker;

        public void Run(int start, int end, int worker)
        {
            for (int i = start; i < end; i++)
            {
                Interlocked.Increment(ref Hits[i]);
            }
            int seen;
            while ((seen = Volatile.Read(ref MaxWorker)) < worker && Interlocked.CompareExchange(ref MaxWorker, worker, seen) != seen)
            {
            }
        }
    }

    private sealed class ThrowingBody : IParallelBody
    {
        public void Run(int start, int end, int worker)
        {
            if (start == 0)
            {
                throw new InvalidOperationException("boom");
            }
        }
    }

    private sealed class NestedBody(ComputePool pool) : IParallelBody
    {
        public CountingBody Inner { get; } = new(10);

        public void Run(int start, int end, int worker) => pool.For(10, Inner);
    }

    private sealed class NoopBody : IParallelBody
    {
        public long Items;

        public void Run(int start, int end, int worker) => Interlocked.Add(ref Items, end - start);
    }

    /// <summary>
    /// How long the stalled worker sleeps. The pool calls a join late when the wait exceeds twice the caller's own chunk time,
    /// and the caller's chunk lasts until the worker has woken (tens of ms on a loaded machine), so the stall must dwarf that.
    /// </summary>
    private const int StallMilliseconds = 400;

    /// <summary>The caller's chunk waits until a worker has claimed a chunk; the worker then "loses its core" for StallMs.</summary>
    private sealed class StallingBody(int stallMs) : IParallelBody
    {
        private int _workerStarted;
        public int Items;
        public int MaxWorker;

        public void Run(int start, int end, int worker)
        {
            if (worker != 0)
            {
                MaxWorker = Math.Max(MaxWorker, worker);
                Volatile.Write(ref _workerStarted, 1);
                Thread.Sleep(stallMs);
            }
            else
            {
                var deadline = DateTime.UtcNow.AddSeconds(5);
                while (Volatile.Read(ref _workerStarted) == 0 && DateTime.UtcNow < deadline)
                {
                    Thread.SpinWait(20);
                }
            }
            Interlocked.Add(ref Items, end - start);
        }
    }

    [Fact]
    public void For_WorkerStalledMidChunk_CompletesThenRunsNextCallsOnCaller()
    {
        using var pool = new ComputePool(2);
        var stalled = new StallingBody(StallMilliseconds);
        pool.For(4, stalled);
        Assert.Equal(4, stalled.Items);
        Assert.Equal(1, stalled.MaxWorker);
        Assert.InRange(pool.InlineCallsLeft, 1, 4096);

        var next = new CountingBody(100);
        pool.For(100, next);
        Assert.All(next.Hits, h => Assert.Equal(1, h));
        Assert.Equal(0, next.MaxWorker);   // degraded: the caller ran it alone
    }

    [Fact]
    public void For_AfterBackoff_ReturnsToParallelAndNestedCallsStayInline()
    {
        using var pool = new ComputePool(2);
        pool.For(4, new StallingBody(StallMilliseconds));
        var nested = new NestedBody(pool);
        pool.For(2, nested);   // inline during the back-off; the nested For must not deadlock
        Assert.All(nested.Inner.Hits, h => Assert.Equal(1, h));   // one inline Run of the whole range
        // Back in parallel once the back-off has run out. A loaded machine can make one join look late again (a new back-off),
        // so drain and retry a bounded number of times: a worker must take part again.
        var workerTookPart = false;
        for (var attempt = 0; attempt < 20 && !workerTookPart; attempt++)
        {
            while (pool.InlineCallsLeft > 0)
            {
                pool.For(10, new NoopBody());
            }
            var punctual = new StallingBody(0);
            pool.For(4, punctual);
            Assert.Equal(4, punctual.Items);
            workerTookPart = punctual.MaxWorker == 1;
        }
        Assert.True(workerTookPart, "after the back-off the pool never ran a call in parallel again");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(2, 7)]
    [InlineData(3, 1000)]
    public void For_AnyCount_RunsEveryItemExactlyOnce(int threads, int count)
    {
        using var pool = new ComputePool(threads);
        for (int round = 0; round < 20; round++)
        {
            var body = new CountingBody(count);
            pool.For(count, body);
            Assert.All(body.Hits, h => Assert.Equal(1, h));
            Assert.InRange(body.MaxWorker, 0, threads - 1);
        }
    }

    [Fact]
    public void For_AfterWorkersBlocked_WakesThemAndCompletes()
    {
        using var pool = new ComputePool(2, TimeSpan.Zero);
        for (int round = 0; round < 5; round++)
        {
            Thread.Sleep(5); // workers go to sleep on their semaphores
            var body = new CountingBody(500);
            pool.For(500, body);
            Assert.All(body.Hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void For_BodyThrows_RethrowsAfterJoinAndPoolStaysUsable()
    {
        using var pool = new ComputePool(2);
        var e = Assert.Throws<InvalidOperationException>(() => pool.For(100, new ThrowingBody()));
        Assert.Equal("boom", e.Message);
        var body = new CountingBody(100);
        pool.For(100, body);
        Assert.All(body.Hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void For_NestedCall_RunsInlineWithoutDeadlock()
    {
        using var pool = new ComputePool(2);
        var body = new NestedBody(pool);
        pool.For(4, body);
        Assert.All(body.Inner.Hits, h => Assert.InRange(h, 1, 4));
        Assert.Equal(body.Inner.Hits.Sum(), body.Inner.Hits.Length * body.Inner.Hits[0]);
    }

    [Fact]
    public void For_ManyCalls_AllocatesNothingOnCaller()
    {
        using var pool = new ComputePool(2);
        var body = new NoopBody();
        pool.For(64, body);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 2000; i++)
        {
            pool.For(64, body);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(64 * 2001, body.Items);
    }

    [Fact]
    public async Task For_ConcurrentCallers_AreSerialisedCorrectly()
    {
        using var pool = new ComputePool(2);
        var tasks = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                var body = new CountingBody(97);
                pool.For(97, body);
                Assert.All(body.Hits, h => Assert.Equal(1, h));
            }
        })).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Dispose_ThenFor_ThrowsObjectDisposed()
    {
        var pool = new ComputePool(2);
        pool.Dispose();
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.For(10, new NoopBody()));
    }

    [Fact]
    public void Constructor_ZeroThreads_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => new ComputePool(0));
}

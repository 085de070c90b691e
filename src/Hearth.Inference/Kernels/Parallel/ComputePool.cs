using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Hearth.Inference.Kernels;

/// <summary>
/// A fixed set of worker threads for fork/join compute. <see cref="For"/> publishes one job, the calling thread works too,
/// and every thread claims chunks from one atomic ticket until the range is done. Idle workers spin briefly (a decode step
/// makes ~200 calls per token, microseconds apart) and then block, so an idle pool costs no CPU. No allocation per call.
/// </summary>
/// <remarks>
/// <para>The join waits for chunks, not for workers: a worker that is descheduled (a busy machine) and never claims a chunk
/// does not hold up the call, because the caller claims the remaining chunks itself.</para>
/// <para>Thread safety: calls to <see cref="For"/> from different threads are serialised; a <see cref="For"/> issued from inside a
/// body runs inline on the calling thread. An exception thrown by a body is rethrown by <see cref="For"/> after every claimed
/// chunk has finished. <see cref="Dispose"/> must not race with <see cref="For"/>.</para>
/// </remarks>
public sealed class ComputePool : IDisposable
{
    // Ticket layout: generation (24 bits) | chunk count (20 bits) | next chunk (20 bits). Claiming a chunk is one CAS on it,
    // so a late worker can never claim a chunk of a job other than the one whose generation it read.
    private const int CountShift = 20;
    private const int GenerationShift = 40;
    private const long FieldMask = (1L << 20) - 1;
    private const int MaxChunks = 1 << 19;
    private const int ChunksPerThread = 2;

    /// <summary>An int alone on its cache line pair (no false sharing between workers' counters).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 128)]
    private struct PaddedInt
    {
        public int Value;
    }

    private sealed class Worker(int index)
    {
        public readonly int Index = index;
        public readonly SemaphoreSlim Signal = new(0);
        public int Sleeping;
        public int Base;          // Completed when the current job was published (caller-only)
        public PaddedInt Completed; // chunks this worker has finished, ever (written only by the worker)
        public int CpuClock;       // the thread's CPU clock (ThreadCpuClock), valid when HasCpuClock
        public bool HasCpuClock;
    }

    [ThreadStatic]
    private static ComputePool? t_running;

    private readonly Worker[] _workers;
    private readonly Thread[] _threads;
    private readonly Lock _forLock = new();
    private readonly long _idleSpinTicks;
    private readonly long _joinSpinTicks = Stopwatch.Frequency / 10_000; // 100 µs
    private readonly long _lateSlackTicks = Stopwatch.Frequency / 5_000;  // 200 µs
    private readonly SemaphoreSlim _joinSignal = new(0);
    private PaddedInt _joinWaiting;   // 1 while the caller blocks in the join; the worker finishing a chunk releases it
    private int _inlineCallsLeft;     // after a late worker: calls that run on the caller alone
    private int _lateStrikes;         // consecutive late joins (backoff exponent)
    private IParallelBody? _body;
    private int[] _bounds = new int[64];
    private PaddedLong _ticket;
    private int _generation;
    private volatile bool _disposed;
    private ExceptionDispatchInfo? _error;

    /// <summary>Creates a pool of <paramref name="threads"/> threads in total (the caller counts as one), spinning 200 µs when idle.</summary>
    public ComputePool(int threads) : this(threads, TimeSpan.FromMicroseconds(200))
    {
    }

    /// <summary>Creates a pool whose idle workers spin for <paramref name="spinBeforeBlocking"/> before blocking.</summary>
    public ComputePool(int threads, TimeSpan spinBeforeBlocking)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threads, 1024);
        ArgumentOutOfRangeException.ThrowIfNegative(spinBeforeBlocking.Ticks);
        ThreadCount = threads;
        _idleSpinTicks = (long)(spinBeforeBlocking.TotalSeconds * Stopwatch.Frequency);
        _workers = new Worker[threads - 1];
        _threads = new Thread[threads - 1];
        using (var started = new CountdownEvent(_workers.Length))
        {
            for (int i = 0; i < _workers.Length; i++)
            {
                _workers[i] = new Worker(i + 1);
                _threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"hearth-compute-{i + 1}" };
                _threads[i].Start((_workers[i], started));
            }
            started.Wait();   // every worker has published its CPU clock before the first job
        }
        Workspace = new MatMulWorkspace();
    }

    /// <summary>Threads that run a <see cref="For"/> (including the caller).</summary>
    public int ThreadCount { get; }

    /// <summary>Scratch space and bodies reused by <see cref="MatMul.Multiply"/> on this pool.</summary>
    internal MatMulWorkspace Workspace { get; }

    /// <summary>Runs <paramref name="body"/> over [0, <paramref name="count"/>) on all threads and returns when every item is done.</summary>
    public void For(int count, IParallelBody body) => For(count, body, 0);

    /// <summary>As <see cref="For(int, IParallelBody)"/>, with chunks of at least <paramref name="minChunk"/> items.</summary>
    internal void For(int count, IParallelBody body, int minChunk)
    {
        ArgumentNullException.ThrowIfNull(body);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (count <= 0)
        {
            return;
        }
        if (_workers.Length == 0 || count == 1 || t_running == this)
        {
            body.Run(0, count, 0);
            return;
        }
        lock (_forLock)
        {
            if (_inlineCallsLeft > 0)
            {
                // A worker was recently descheduled while holding a chunk (an oversubscribed machine): until the back-off
                // ends, the caller runs jobs alone, which costs at most the parallel speed-up instead of a time slice per join.
                _inlineCallsLeft--;
                RunInline(count, body);
                return;
            }
            int chunks = PlanChunks(count, Math.Max(1, minChunk));
            _body = body;
            _error = null;
            foreach (var w in _workers)
            {
                w.Base = Volatile.Read(ref w.Completed.Value); // stable: no chunk is in flight between jobs
            }
            int generation = (_generation + 1) & 0xFFFFFF;
            _generation = generation;
            Interlocked.Exchange(ref _ticket.Value, ((long)generation << GenerationShift) | ((long)chunks << CountShift));
            foreach (var w in _workers)
            {
                if (Volatile.Read(ref w.Sleeping) == 1 && Interlocked.Exchange(ref w.Sleeping, 0) == 1)
                {
                    w.Signal.Release();
                }
            }
            t_running = this;
            int own;
            long started = Stopwatch.GetTimestamp();
            long ownDone;
            try
            {
                own = RunChunks(generation, null);
            }
            finally
            {
                t_running = null;
                ownDone = Stopwatch.GetTimestamp();
            }
            WaitForChunks(chunks - own);
            NoteJoin(ownDone - started, Stopwatch.GetTimestamp() - ownDone);
            _body = null;
            var error = _error;
            _error = null;
            error?.Throw();
        }
    }

    private void RunInline(int count, IParallelBody body)
    {
        t_running = this;   // a nested For runs inline too
        try
        {
            body.Run(0, count, 0);
        }
        finally
        {
            t_running = null;
        }
    }

    /// <summary>
    /// Late-worker detection. In a quiet join the caller waits at most about one chunk (≤ its own work); a wait well beyond
    /// that means a worker lost its core mid-chunk. Each late join in a row doubles the number of following calls run on the
    /// caller alone (16, 32, … 4096); a punctual join resets the back-off.
    /// </summary>
    private void NoteJoin(long ownTicks, long waitTicks)
    {
        if (waitTicks > (2 * ownTicks) + _lateSlackTicks)
        {
            _lateStrikes = Math.Min(_lateStrikes + 1, 9);
            _inlineCallsLeft = 8 << _lateStrikes;
        }
        else
        {
            _lateStrikes = 0;
        }
    }

    /// <summary>Calls that will run on the caller alone because a worker was recently late (0 when running in parallel).</summary>
    internal int InlineCallsLeft => _inlineCallsLeft;

    /// <summary>
    /// Splits [0, count) into about <see cref="ChunksPerThread"/> equal chunks per thread (at least <paramref name="minChunk"/>
    /// items each). Few chunks, because every claim moves a cache line between cores (measured ~0.3 µs here); more than one
    /// per thread, so a thread that was delayed does not hold the others up for long. Fills <see cref="_bounds"/>; grows it
    /// (allocating) only when a count needs more chunks than ever before.
    /// </summary>
    private int PlanChunks(int count, int minChunk)
    {
        int target = ThreadCount * ChunksPerThread;
        int size = Math.Max(minChunk, (count + target - 1) / target);
        size = Math.Max(size, (count + MaxChunks - 1) / MaxChunks);
        int chunks = (count + size - 1) / size;
        if (chunks + 1 > _bounds.Length)
        {
            _bounds = new int[chunks + 1];
        }
        for (int i = 0; i < chunks; i++)
        {
            _bounds[i] = i * size;
        }
        _bounds[chunks] = count;
        return chunks;
    }

    /// <summary>
    /// Join: by the time the caller finds no chunk left to claim, every chunk is claimed; wait until the workers have
    /// finished <paramref name="workerChunks"/> of them. Spins for 100 µs (a quiet join takes microseconds), then blocks until a
    /// worker finishes a chunk, so a caller whose worker was descheduled mid-chunk does not burn the core that worker needs.
    /// </summary>
    private void WaitForChunks(int workerChunks)
    {
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            int done = 0;
            foreach (var w in _workers)
            {
                done += Volatile.Read(ref w.Completed.Value) - w.Base;
            }
            if (done >= workerChunks)
            {
                return;
            }
            if (Stopwatch.GetTimestamp() - start <= _joinSpinTicks)
            {
                Thread.SpinWait(8);
                continue;
            }
            // A worker is still in a chunk after the spin budget (descheduled, or a long prefill chunk): block instead of
            // competing for the core it needs. Announce (full fence), re-check, then wait; the worker that finishes a chunk
            // and sees the flag claims it and releases exactly once.
            Interlocked.Exchange(ref _joinWaiting.Value, 1);
            if (WorkerChunksDone() >= workerChunks)
            {
                if (Interlocked.Exchange(ref _joinWaiting.Value, 0) == 0)
                {
                    _joinSignal.Wait();   // a worker claimed the flag: consume its release
                }
                return;
            }
            _joinSignal.Wait();
        }
    }

    private int WorkerChunksDone()
    {
        int done = 0;
        foreach (var w in _workers)
        {
            done += Volatile.Read(ref w.Completed.Value) - w.Base;
        }
        return done;
    }

    /// <summary>Claims and runs chunks of job <paramref name="generation"/> until none is left; returns how many it ran.</summary>
    private int RunChunks(int generation, Worker? worker)
    {
        int ran = 0;
        while (true)
        {
            long ticket = Volatile.Read(ref _ticket.Value);
            int chunks = (int)((ticket >> CountShift) & FieldMask);
            int next = (int)(ticket & FieldMask);
            if ((int)(ticket >> GenerationShift) != generation || next >= chunks)
            {
                return ran;
            }
            if (Interlocked.CompareExchange(ref _ticket.Value, ticket + 1, ticket) != ticket)
            {
                continue;
            }
            // The job's fields cannot change while this claimed chunk is unfinished.
            try
            {
                _body!.Run(_bounds[next], _bounds[next + 1], worker?.Index ?? 0);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
            }
            ran++;
            if (worker is not null)
            {
                // Publish completion (release): the body's writes are visible before the caller sees the count.
                Volatile.Write(ref worker.Completed.Value, worker.Completed.Value + 1);
                Interlocked.MemoryBarrier();   // the count is visible before we look at the caller's flag (Dekker with WaitForChunks)
                if (Volatile.Read(ref _joinWaiting.Value) == 1 && Interlocked.Exchange(ref _joinWaiting.Value, 0) == 1)
                {
                    _joinSignal.Release();
                }
            }
        }
    }

    /// <summary>
    /// CPU seconds the worker threads (not the caller) have used since they started, summed; NaN when per-thread clocks are
    /// unavailable. Read before and after a job to charge the workers' share of it (includes their idle spin).
    /// </summary>
    internal double WorkerCpuSeconds()
    {
        double total = 0;
        foreach (var w in _workers)
        {
            total += w.HasCpuClock ? ThreadCpuClock.Seconds(w.CpuClock) : double.NaN;
        }
        return total;
    }

    private void WorkerLoop(object? state)
    {
        var (me, started) = ((Worker, CountdownEvent))state!;
        me.HasCpuClock = ThreadCpuClock.TryGetCurrentThreadClock(out me.CpuClock);
        started.Signal();
        t_running = this;
        int seen = 0;
        while (true)
        {
            seen = WaitForWork(me, seen);
            if (_disposed)
            {
                return;
            }
            RunChunks(seen, me);
        }
    }

    private int CurrentGeneration => (int)(Volatile.Read(ref _ticket.Value) >> GenerationShift);

    [StructLayout(LayoutKind.Sequential, Size = 128)]
    private struct PaddedLong
    {
        public long Value;
    }

    private int WaitForWork(Worker me, int seen)
    {
        long spinStart = Stopwatch.GetTimestamp();
        while (true)
        {
            for (int i = 0; i < 64; i++)
            {
                int g = CurrentGeneration;
                if (g != seen || _disposed)
                {
                    return g;
                }
                Thread.SpinWait(4);
            }
            if (Stopwatch.GetTimestamp() - spinStart < _idleSpinTicks)
            {
                continue;
            }
            // Announce sleep (full fence), then re-check: a For that raced with us either sees Sleeping = 1 and releases
            // the semaphore, or we see its new generation here.
            Interlocked.Exchange(ref me.Sleeping, 1);
            if (CurrentGeneration != seen || _disposed)
            {
                if (Interlocked.Exchange(ref me.Sleeping, 0) == 0)
                {
                    me.Signal.Wait(); // the forker already claimed our flag and releases exactly once
                }
                continue;
            }
            me.Signal.Wait();
            spinStart = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Stops and joins the worker threads and frees the matmul scratch memory.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        lock (_forLock)
        {
            _disposed = true;
            foreach (var w in _workers)
            {
                if (Interlocked.Exchange(ref w.Sleeping, 0) == 1)
                {
                    w.Signal.Release();
                }
            }
        }
        foreach (var t in _threads)
        {
            t.Join();
        }
        foreach (var w in _workers)
        {
            w.Signal.Dispose();
        }
        _joinSignal.Dispose();
        Workspace.Dispose();
    }
}

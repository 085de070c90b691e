using System.Diagnostics;
using Hearth.Inference.Kernels;
using Hearth.Inference.Models;

namespace Hearth.Inference.Engine.Scheduling;

/// <summary>
/// Continuous batching for one loaded model: one thread gathers the pending steps of every live sequence into one
/// <see cref="SequenceBatch"/>, runs one forward pass for it, and hands each sequence its logits. Sequences join and leave
/// between steps.
/// </summary>
/// <remarks>
/// <para>Batch building: first every pending single-token step (a decode), in arrival order, then prompt chunks in arrival
/// order, each taking at most <c>promptChunkTokens</c> and what is left of the step's budget of <c>maxBatchTokens</c>. A
/// prompt longer than that runs over several steps alongside the decodes (its logits come with its last chunk), so a long
/// prompt delays the other sequences' next tokens by one chunk at a time rather than by the whole prefill.</para>
/// <para>Gathering: a step starts as soon as every live sequence either has a step pending or is parked (waiting for its
/// consumer), or after <see cref="GatherWindow"/> at most — so the sequences that just got their logits, and are sampling,
/// make it into the next step instead of running one by one.</para>
/// <para>CPU time: around each step the scheduler thread's and the compute workers' per-thread CPU clocks are read; the
/// difference is split among the step's sequences by their tokens in it (<see cref="CpuShares"/>).</para>
/// <para>Failures: a step that throws fails every sequence in that batch. Token ids and cache capacity are checked when a step
/// is submitted, so one sequence's bad input fails only that sequence.</para>
/// </remarks>
internal sealed class StepScheduler : IDisposable
{
    /// <summary>Longest a pending step waits for sampling sequences to submit theirs (sampling takes microseconds).</summary>
    public static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(2);

    private readonly object _gate = new();
    private readonly DecoderTransformer _transformer;
    private readonly ComputePool _pool;
    private readonly Action _beforeStep;
    private readonly int _maxBatchTokens;
    private readonly int _promptChunkTokens;
    private readonly int _vocabulary;
    private readonly List<ScheduledSequence> _live = [];
    private readonly List<StepRequest> _queue = [];
    private readonly SequenceBatch _batch;
    private readonly StepRequest[] _taken;
    private readonly int[] _takenTokens;
    private readonly double[] _shares;
    private readonly Thread _thread;
    private bool _disposed;
    private long _steps, _sequenceSteps, _tokens;
    private int _maxSequences;
    private double _cpuSeconds;
    private int _takenCount;          // steps in the current batch (scheduler thread only)
    private readonly List<(StepRequest Step, Exception? Error)> _done = [];   // steps to complete after a batch (scheduler thread only)

    /// <param name="transformer">The model's forward pass; only this scheduler's thread runs it.</param>
    /// <param name="pool">The compute pool the transformer uses (its workers' CPU time is charged to steps).</param>
    /// <param name="beforeStep">Runs before each step (the mapped file's integrity check); an exception fails the step.</param>
    /// <param name="maxSequences">Most sequences live at once.</param>
    /// <param name="promptChunkTokens">Most tokens of one prompt per step.</param>
    public StepScheduler(DecoderTransformer transformer, ComputePool pool, Action beforeStep, int maxSequences, int promptChunkTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSequences, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(promptChunkTokens, 1);
        _transformer = transformer;
        _pool = pool;
        _beforeStep = beforeStep;
        _maxBatchTokens = transformer.MaxBatchTokens;
        if (_maxBatchTokens < maxSequences)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSequences), maxSequences, $"A step of {_maxBatchTokens} tokens cannot hold a token of each of {maxSequences} sequences.");
        }
        _promptChunkTokens = Math.Min(promptChunkTokens, _maxBatchTokens);
        _vocabulary = transformer.Hyperparameters.VocabularySize;
        _batch = new SequenceBatch(_maxBatchTokens, maxSequences);
        _taken = new StepRequest[maxSequences];
        _takenTokens = new int[maxSequences];
        _shares = new double[maxSequences];
        _thread = new Thread(Loop) { IsBackground = true, Name = "hearth-step-scheduler" };
        _thread.Start();
    }

    /// <summary>Counters since construction.</summary>
    public SchedulerStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                return new SchedulerStatistics(_steps, _sequenceSteps, _tokens, _maxSequences, _cpuSeconds);
            }
        }
    }

    /// <summary>Registers a sequence; the caller must submit its first step right away (the scheduler waits for it briefly).</summary>
    /// <exception cref="InvalidOperationException">More sequences than the scheduler was built for.</exception>
    public ScheduledSequence Join(KvCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var sequence = new ScheduledSequence(this, cache);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_live.Count == _taken.Length)
            {
                throw new InvalidOperationException($"The scheduler already runs {_taken.Length} sequences.");
            }
            _live.Add(sequence);
        }
        return sequence;
    }

    internal Task Submit(ScheduledSequence sequence, ReadOnlyMemory<int> tokens, float[]? logits, float[]? hidden, CancellationToken cancellationToken)
    {
        if (tokens.IsEmpty)
        {
            throw new ArgumentException("A step needs at least one token.", nameof(tokens));
        }
        foreach (var id in tokens.Span)
        {
            if ((uint)id >= (uint)_vocabulary)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), id, $"Token id {id} is outside the vocabulary of {_vocabulary}.");
            }
        }
        var cache = sequence.Cache;
        if (cache.Length + tokens.Length > cache.CapacityTokens)
        {
            throw new ContextOverflowException(cache.Length + tokens.Length, cache.CapacityTokens);
        }
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        var step = new StepRequest(sequence, tokens, logits, hidden, cancellationToken);
        if (cancellationToken.CanBeCanceled)
        {
            // Registered before the step is visible to the scheduler thread, so the registration is never read half-written.
            // A token cancelled meanwhile runs the callback right here, which marks the step finished (checked below).
            step.Registration = cancellationToken.UnsafeRegister(static s =>
            {
                var cancelled = (StepRequest)s!;
                cancelled.Sequence.Scheduler.Cancel(cancelled);
            }, step);
        }
        lock (_gate)
        {
            if (step.Finished)
            {
                return step.Completion.Task;
            }
            if (_disposed || sequence.Left || sequence.Step is not null)
            {
                step.Finished = true;
                step.Registration.Unregister();
                ObjectDisposedException.ThrowIf(_disposed, this);
                throw new InvalidOperationException(sequence.Left ? "The sequence has left the scheduler." : "The sequence already has a step outstanding.");
            }
            sequence.Step = step;
            _queue.Add(step);
            Monitor.PulseAll(_gate);
        }
        return step.Completion.Task;
    }

    /// <summary>Withdraws a step that has not started (a running step is cancelled when it finishes).</summary>
    private void Cancel(StepRequest step)
    {
        lock (_gate)
        {
            if (step.Finished || step.Running)
            {
                return;
            }
            Withdraw(step);
            Monitor.PulseAll(_gate);
        }
        step.Completion.TrySetCanceled(step.CancellationToken);
    }

    internal void SetParked(ScheduledSequence sequence, bool parked)
    {
        lock (_gate)
        {
            sequence.Parked = parked;
            if (parked)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    internal void AddCpu(ScheduledSequence sequence, double seconds)
    {
        lock (_gate)
        {
            sequence.CpuSecondsTotal += seconds;
        }
    }

    internal double ReadCpu(ScheduledSequence sequence)
    {
        lock (_gate)
        {
            return sequence.CpuSecondsTotal;
        }
    }

    internal void Leave(ScheduledSequence sequence)
    {
        StepRequest? withdrawn = null;
        lock (_gate)
        {
            if (sequence.Left)
            {
                return;
            }
            sequence.Left = true;
            _live.Remove(sequence);
            if (sequence.Step is { Running: false } step)
            {
                Withdraw(step);
                withdrawn = step;
            }
            Monitor.PulseAll(_gate);
        }
        withdrawn?.Completion.TrySetCanceled();
    }

    /// <summary>Stops the thread after the running step; steps still queued fail with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        List<StepRequest> orphans;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
        _thread.Join();
        lock (_gate)
        {
            orphans = [.. _queue];
            foreach (var step in orphans)
            {
                Withdraw(step);
            }
        }
        foreach (var step in orphans)
        {
            step.Completion.TrySetException(new ObjectDisposedException(nameof(LoadedModel), "The model was disposed while a step was queued."));
        }
    }

    /// <summary>Removes a step that is not running from the queue. Call under the lock.</summary>
    private void Withdraw(StepRequest step)
    {
        step.Finished = true;
        step.Registration.Unregister();
        _queue.Remove(step);
        if (step.Sequence.Step == step)
        {
            step.Sequence.Step = null;
        }
    }

    private void Loop()
    {
        while (true)
        {
            Exception? error = null;
            lock (_gate)
            {
                if (!WaitForWork())
                {
                    return;
                }
                try
                {
                    TakeBatch();
                }
                catch (Exception e)
                {
                    error = e;   // fails the steps taken so far (a bug, never bad input: that is checked at submission)
                }
            }
            Run(error);
        }
    }

    /// <summary>Waits (under the lock) until a batch should start; false once disposed.</summary>
    private bool WaitForWork()
    {
        long deadline = 0;
        while (true)
        {
            if (_disposed)
            {
                return false;
            }
            if (_queue.Count == 0)
            {
                deadline = 0;
                Monitor.Wait(_gate);
                continue;
            }
            if (AnySequenceSampling())
            {
                var now = Stopwatch.GetTimestamp();
                if (deadline == 0)
                {
                    deadline = now + (long)(GatherWindow.TotalSeconds * Stopwatch.Frequency);
                }
                if (now < deadline)
                {
                    Monitor.Wait(_gate, Math.Max(1, (int)Math.Ceiling(Stopwatch.GetElapsedTime(now, deadline).TotalMilliseconds)));
                    continue;
                }
            }
            return true;
        }
    }

    /// <summary>A live sequence with no step outstanding that is not waiting for its consumer: its next step is imminent.</summary>
    private bool AnySequenceSampling()
    {
        foreach (var s in _live)
        {
            if (s.Step is null && !s.Parked)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Fills the batch from the queue (under the lock): decodes first, then prompt chunks, within the token budget.</summary>
    private void TakeBatch()
    {
        _batch.Clear();
        _takenCount = 0;
        var budget = _maxBatchTokens;
        foreach (var step in _queue)
        {
            if (step.Remaining == 1 && _takenCount < _taken.Length && budget > 0)
            {
                Take(step, 1, ref budget);
            }
        }
        foreach (var step in _queue)
        {
            if (step.Remaining > 1 && _takenCount < _taken.Length && budget > 0)
            {
                Take(step, Math.Min(Math.Min(step.Remaining, _promptChunkTokens), budget), ref budget);
            }
        }
    }

    private void Take(StepRequest step, int tokens, ref int budget)
    {
        step.Running = true;
        _taken[_takenCount] = step;
        _takenTokens[_takenCount] = tokens;
        _takenCount++;
        budget -= tokens;
        var last = tokens == step.Remaining;
        _batch.Add(step.Sequence.Cache, step.Tokens.Span.Slice(step.Done, tokens), last ? step.Logits : null, step.Hidden, step.Done);
    }

    /// <summary>
    /// Runs the batch on this thread (not under the lock) unless building it failed (<paramref name="error"/>), charges its CPU
    /// time, and completes the finished steps.
    /// </summary>
    private void Run(Exception? error)
    {
        var count = _takenCount;
        var cpuStart = ThreadCpuClock.CurrentThreadSeconds() + _pool.WorkerCpuSeconds();
        if (error is null)
        {
            try
            {
                _beforeStep();
                _transformer.Forward(_batch);
            }
            catch (Exception e)
            {
                error = e;
            }
        }
        var cpuSeconds = ThreadCpuClock.CurrentThreadSeconds() + _pool.WorkerCpuSeconds() - cpuStart;
        CpuShares.Split(cpuSeconds, _takenTokens.AsSpan(0, count), _shares);

        var done = _done;
        done.Clear();
        lock (_gate)
        {
            if (count > 0)
            {
                _steps++;
                _sequenceSteps += count;
                _tokens += _batch.TokenCount;
                _maxSequences = Math.Max(_maxSequences, count);
                _cpuSeconds += cpuSeconds;
            }
            for (var i = 0; i < count; i++)
            {
                var step = _taken[i];
                _taken[i] = null!;
                step.Running = false;
                step.Sequence.CpuSecondsTotal += _shares[i];
                step.Done += error is null ? _takenTokens[i] : 0;
                if (error is not null || step.Remaining == 0 || step.CancellationToken.IsCancellationRequested || step.Sequence.Left)
                {
                    if (!step.Finished)
                    {
                        Withdraw(step);
                    }
                    done.Add((step, error));
                }
            }
            _batch.Clear();
        }
        foreach (var (step, stepError) in done)
        {
            if (stepError is not null)
            {
                step.Completion.TrySetException(stepError);
            }
            else if (step.Remaining > 0 || step.CancellationToken.IsCancellationRequested)
            {
                step.Completion.TrySetCanceled(step.CancellationToken.IsCancellationRequested ? step.CancellationToken : CancellationToken.None);
            }
            else
            {
                step.Completion.TrySetResult();
            }
        }
        done.Clear();
    }
}

using Hearth.Inference.Models;
namespace Hearth.Inference.Engine.Scheduling;

/// <summary>
/// One live sequence on a <see cref="StepScheduler"/>: its KV cache, at most one outstanding step, and the CPU time charged to
/// it. Used by one caller at a time (the generation loop that owns it). Dispose to leave the scheduler; a step still queued is
/// withdrawn, a step already running finishes but nobody waits for it.
/// </summary>
internal sealed class ScheduledSequence : IDisposable
{
    private readonly StepScheduler _scheduler;
    private Task? _lastStep;

    internal ScheduledSequence(StepScheduler scheduler, KvCache cache)
    {
        _scheduler = scheduler;
        Cache = cache;
    }

    public KvCache Cache { get; }

    internal StepScheduler Scheduler => _scheduler;

    // State below is guarded by the scheduler's lock.
    internal StepRequest? Step { get; set; }

    internal bool Parked { get; set; }

    internal bool Left { get; set; }

    internal double CpuSecondsTotal { get; set; }

    /// <summary>
    /// CPU seconds charged to this sequence so far — its token share of every forward step it was in, plus the time it reported
    /// with <see cref="AddCpuSeconds"/> — or null when per-thread CPU clocks are unavailable.
    /// </summary>
    public double? CpuSeconds
    {
        get
        {
            var s = _scheduler.ReadCpu(this);
            return double.IsNaN(s) ? null : s;
        }
    }

    /// <summary>
    /// Queues <paramref name="tokens"/> (the prompt, or the next sampled token) to run at the cache's next positions; completes
    /// when all of them have run. <paramref name="logits"/> (if not null) then holds the last token's logits and
    /// <paramref name="hidden"/> (if not null) every token's output-normalised hidden state. The buffers belong to the scheduler
    /// until the task completes. Cancelling withdraws a step that has not started; a running step finishes first, then the task
    /// is cancelled.
    /// </summary>
    /// <exception cref="ContextOverflowException">The tokens do not fit the cache.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    /// <exception cref="InvalidOperationException">A step is still outstanding, or the sequence has left.</exception>
    public Task StepAsync(ReadOnlyMemory<int> tokens, float[]? logits, float[]? hidden, CancellationToken cancellationToken)
    {
        var task = _scheduler.Submit(this, tokens, logits, hidden, cancellationToken);
        _lastStep = task;
        return task;
    }

    /// <summary>
    /// Marks the sequence as waiting for its consumer (e.g. while a generated token is yielded): the scheduler does not hold a
    /// step back for a parked sequence to catch up. Call <see cref="Unpark"/> when the consumer returns.
    /// </summary>
    public void Park() => _scheduler.SetParked(this, true);

    public void Unpark() => _scheduler.SetParked(this, false);

    /// <summary>Charges CPU time the sequence spent outside forward steps (e.g. sampling on its own thread).</summary>
    public void AddCpuSeconds(double seconds) => _scheduler.AddCpu(this, seconds);

    public void Dispose()
    {
        _scheduler.Leave(this);
        if (_lastStep is { IsCompleted: false } pending)
        {
            // Nobody awaits a withdrawn or still-running step: observe its outcome so it is not reported as unobserved.
            _ = pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }
}

/// <summary>An outstanding step of one sequence. Fields other than the constructor's are guarded by the scheduler's lock.</summary>
internal sealed class StepRequest(ScheduledSequence sequence, ReadOnlyMemory<int> tokens, float[]? logits, float[]? hidden, CancellationToken cancellationToken)
{
    public ScheduledSequence Sequence { get; } = sequence;
    public ReadOnlyMemory<int> Tokens { get; } = tokens;
    public float[]? Logits { get; } = logits;
    public float[]? Hidden { get; } = hidden;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public CancellationTokenRegistration Registration { get; set; }

    /// <summary>Tokens already run (a prompt may take several steps).</summary>
    public int Done { get; set; }

    public int Remaining => Tokens.Length - Done;

    /// <summary>True while in the batch being run.</summary>
    public bool Running { get; set; }

    /// <summary>True once removed from the queue (finished, failed, withdrawn).</summary>
    public bool Finished { get; set; }
}

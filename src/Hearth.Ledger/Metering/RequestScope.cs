using Hearth.Ledger.Energy;
using Hearth.Ledger.Entries;

namespace Hearth.Ledger.Metering;

/// <summary>
/// One request being metered. Call <see cref="Complete"/> once when the response is done (it returns the entry to
/// append); disposing without completing abandons the request (no entry). Not thread-safe except
/// <see cref="AddThreadCpu"/>, which worker threads may call concurrently.
/// </summary>
public sealed class RequestScope : IDisposable
{
    private readonly RequestMeter _meter;
    private double _ownThreadCpu;
    private double _reportedCpu = double.NaN;
    private double? _peerWattHours;
    private double _peerUncertainty;
    private int _state;

    internal RequestScope(RequestMeter meter, RequestInfo info, long startTimestamp, DateTimeOffset startedAt, double sharedAtStart,
        double processCpuAtStart, long[]? raplAtStart, ulong gpuMillijoulesAtStart)
    {
        _meter = meter;
        Info = info;
        StartTimestamp = startTimestamp;
        StartedAt = startedAt;
        SharedAtStart = sharedAtStart;
        ProcessCpuAtStart = processCpuAtStart;
        RaplAtStart = raplAtStart;
        GpuMillijoulesAtStart = gpuMillijoulesAtStart;
    }

    public RequestInfo Info { get; }
    public DateTimeOffset StartedAt { get; }
    internal long StartTimestamp { get; }
    internal double SharedAtStart { get; }
    internal double ProcessCpuAtStart { get; }
    internal long[]? RaplAtStart { get; }
    internal ulong GpuMillijoulesAtStart { get; }
    internal double OwnThreadCpuSeconds => Volatile.Read(ref _ownThreadCpu);

    /// <summary>The CPU seconds the serving engine reported (<see cref="ReportCpuSeconds"/>), or null.</summary>
    internal double? ReportedCpuSeconds => double.IsNaN(_reportedCpu) ? null : _reportedCpu;

    /// <summary>The completed entry, once <see cref="Complete"/> ran.</summary>
    public LedgerEntry? Entry { get; private set; }

    /// <summary>Adds CPU time a worker thread spent on this request (e.g. measured with the thread CPU clock).</summary>
    public void AddThreadCpu(double seconds)
    {
        if (seconds <= 0 || double.IsNaN(seconds))
        {
            return;
        }
        double seen, next;
        do
        {
            seen = Volatile.Read(ref _ownThreadCpu);
            next = seen + seconds;
        }
        while (Interlocked.CompareExchange(ref _ownThreadCpu, next, seen) != seen);
        _meter.ReportThreadCpu(seconds);
    }

    /// <summary>
    /// Records the request's own CPU time as measured by the engine that served it (Hearth's local engine charges each request
    /// its token share of every batched forward step, per-thread clocks, plus its sampling). When reported, the entry's
    /// <c>CpuSeconds</c> is this figure (plus any <see cref="AddThreadCpu"/>) instead of an equal split of the process CPU;
    /// the figure is also withheld from the split among the other requests. Call before <see cref="Complete"/>; a second call
    /// replaces the first.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, NaN or infinite.</exception>
    public void ReportCpuSeconds(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "Reported CPU seconds must be finite and not negative.");
        }
        var previous = ReportedCpuSeconds ?? 0;
        _reportedCpu = seconds;
        _meter.ReportThreadCpu(seconds - previous);
    }

    /// <summary>Measures the calling thread's CPU time until the returned handle is disposed (use around synchronous work).</summary>
    public ThreadCpuSection MeasureThreadCpu() => new(this, CpuClock.ThreadCpuSeconds());

    /// <summary>Records that a Hearth peer did the work and reported this facility energy.</summary>
    public void ReportPeerEnergy(double wattHours, double uncertaintyFraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(wattHours);
        _peerWattHours = wattHours;
        _peerUncertainty = uncertaintyFraction;
    }

    /// <summary>Ends metering and computes the entry (not yet appended: give it to the ledger writer).</summary>
    public LedgerEntry Complete(long tokensIn, long tokensOut)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("This request scope was already completed or disposed.");
        }
        Entry = _meter.Complete(this, tokensIn, tokensOut, _peerWattHours, _peerUncertainty);
        return Entry;
    }

    public void Dispose()
    {
        if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
        {
            _meter.Abandon();
        }
    }

    /// <summary>A running thread-CPU measurement; dispose on the same thread that created it.</summary>
    public readonly struct ThreadCpuSection : IDisposable
    {
        private readonly RequestScope _scope;
        private readonly double _start;

        internal ThreadCpuSection(RequestScope scope, double start)
        {
            _scope = scope;
            _start = start;
        }

        public void Dispose() => _scope?.AddThreadCpu(CpuClock.ThreadCpuSeconds() - _start);
    }
}

using Hearth.Ledger.Carbon;
using Hearth.Ledger.Energy;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Impact;
using Hearth.Ledger.Options;

namespace Hearth.Ledger.Metering;

/// <summary>
/// Meters requests. CPU attribution: process CPU time between meter events (request begin/end) that no request
/// reported as its own thread CPU is split equally among the requests active in that interval; CPU time a request
/// reports (<see cref="RequestScope.AddThreadCpu"/> / <see cref="RequestScope.MeasureThreadCpu"/>) is its own.
/// So concurrent requests share the process's CPU by their CPU-time share where it is known, equally otherwise. A request
/// whose engine reports its own CPU time (<see cref="RequestScope.ReportCpuSeconds"/>, e.g. the local engine's per-request
/// figure) is charged that figure instead of an equal share.
/// Energy: measured when RAPL or NVML counters exist (the counters' delta over the request × its CPU share of the
/// process's CPU in that interval), otherwise modelled from CPU time; remote/peer figures when the work was elsewhere.
/// </summary>
public sealed class RequestMeter : IRequestMeter
{
    private readonly object _gate = new();
    private readonly LedgerOptions _options;
    private readonly CpuPowerModel _cpu;
    private readonly RaplReader? _rapl;
    private readonly NvmlEnergyReader? _nvml;
    private readonly TimeProvider _time;
    private readonly Func<double> _processCpuSeconds;
    private int _active;
    private double _sharedPerActive;
    private double _lastProcessCpu;
    private double _reportedSinceLast;
    private long _workingSetAt;
    private double _workingSetGib;

    /// <param name="options">Validated ledger options.</param>
    /// <param name="intensity">Current intensity holder.</param>
    /// <param name="cpu">Modelled CPU power.</param>
    /// <param name="rapl">RAPL counters, or null.</param>
    /// <param name="nvml">NVML counters, or null.</param>
    /// <param name="time">Clock (wall time, timestamps).</param>
    /// <param name="processCpuSeconds">Process CPU clock; injectable for tests.</param>
    public RequestMeter(
        LedgerOptions options,
        LiveIntensity intensity,
        CpuPowerModel cpu,
        RaplReader? rapl = null,
        NvmlEnergyReader? nvml = null,
        TimeProvider? time = null,
        Func<double>? processCpuSeconds = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        Intensity = intensity ?? throw new ArgumentNullException(nameof(intensity));
        _cpu = cpu ?? throw new ArgumentNullException(nameof(cpu));
        _rapl = rapl;
        _nvml = nvml;
        _time = time ?? TimeProvider.System;
        _processCpuSeconds = processCpuSeconds ?? CpuClock.ProcessCpuSeconds;
        _lastProcessCpu = _processCpuSeconds();
        Impact = new ImpactCalculator(options);
    }

    /// <summary>
    /// Builds a meter from options: detects RAPL under <see cref="LedgerOptions.PowercapRoot"/> and NVML at
    /// <see cref="LedgerOptions.NvmlLibrary"/>, builds the intensity source (HTTP kinds need <paramref name="http"/>).
    /// </summary>
    public static RequestMeter Create(LedgerOptions options, HttpClient? http = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        var rapl = options.PowercapRoot is { } root ? RaplReader.TryOpen(root, out _) : null;
        var nvml = options.NvmlLibrary is { } lib ? NvmlEnergyReader.TryOpen(lib, out _) : null;
        var source = IntensitySourceFactory.Create(options.Intensity, options.Zone, http, time);
        var location = options.Intensity.Location ?? options.Zone;
        var initial = new StaticZoneIntensitySource().Get(options.Zone, (time ?? TimeProvider.System).GetUtcNow());
        // Only the plain static table never changes; an on-site signal over it (or any live source) is re-read every CacheDuration.
        var refresh = options.Intensity.Kind == IntensitySourceKinds.Static && options.Intensity.OnSiteGenerationUrl is null
            ? TimeSpan.MaxValue : options.Intensity.CacheDuration;
        var live = new LiveIntensity(source, location, initial, refresh, time);
        return new RequestMeter(options, live, CpuPowerModel.Create(options.Cpu), rapl, nvml, time);
    }

    /// <summary>The intensity holder the meter reads.</summary>
    public LiveIntensity Intensity { get; }

    /// <summary>The impact calculator (also used by reports for counterfactuals).</summary>
    public ImpactCalculator Impact { get; }

    /// <summary>The CPU power model in use.</summary>
    public CpuPowerModel CpuModel => _cpu;

    /// <summary>True when hardware counters (RAPL or NVML) are read.</summary>
    public bool IsMeasured => _rapl is not null || _nvml is not null;

    /// <summary>The node's options.</summary>
    public LedgerOptions Options => _options;

    public RequestScope BeginRequest(RequestInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var rapl = _rapl?.ReadMicrojoules();
        var gpu = _nvml?.ReadMillijoules() ?? 0;
        double shared0, cpu0;
        lock (_gate)
        {
            cpu0 = Advance();
            _active++;
            shared0 = _sharedPerActive;
        }
        return new RequestScope(this, info, _time.GetTimestamp(), _time.GetUtcNow(), shared0, cpu0, rapl, gpu);
    }

    internal void ReportThreadCpu(double seconds)
    {
        lock (_gate)
        {
            _reportedSinceLast += seconds;
        }
    }

    /// <summary>Advances the shared-CPU integrator to now; returns the process CPU clock. Call under the lock.</summary>
    private double Advance()
    {
        var now = _processCpuSeconds();
        var unreported = now - _lastProcessCpu - _reportedSinceLast;
        if (_active > 0 && unreported > 0)
        {
            _sharedPerActive += unreported / _active;
        }
        _lastProcessCpu = now;
        _reportedSinceLast = 0;
        return now;
    }

    internal LedgerEntry Complete(RequestScope scope, long tokensIn, long tokensOut, double? peerWattHours, double peerUncertainty)
    {
        var rapl = _rapl?.ReadMicrojoules();
        var gpu = _nvml?.ReadMillijoules() ?? 0;
        double shared1, cpu1;
        int activeAtEnd;
        lock (_gate)
        {
            cpu1 = Advance();
            shared1 = _sharedPerActive;
            activeAtEnd = _active;
            _active--;
        }
        // An engine-reported figure replaces the equal share of the process CPU (it was withheld from the split).
        var cpuSeconds = scope.OwnThreadCpuSeconds + (scope.ReportedCpuSeconds ?? Math.Max(0, shared1 - scope.SharedAtStart));
        var wallSeconds = _time.GetElapsedTime(scope.StartTimestamp).TotalSeconds;
        var processCpuDelta = cpu1 - scope.ProcessCpuAtStart;
        var share = processCpuDelta > 1e-9 ? Math.Clamp(cpuSeconds / processCpuDelta, 0, 1) : 1.0 / Math.Max(1, activeAtEnd);

        EnergyFigure energy;
        if (scope.Info.Remote is { } remote)
        {
            var remoteWh = RemoteEnergyEstimator.EstimateWattHours(remote.ActiveParamsBillions, tokensOut, remote.ProviderPue);
            energy = new EnergyFigure(_cpu.Joules(cpuSeconds, WorkingSetGib()), remoteWh, EnergyMethod.Remote, RemoteEnergyEstimator.UncertaintyFraction);
        }
        else if (peerWattHours is { } peerWh)
        {
            energy = new EnergyFigure(_cpu.Joules(cpuSeconds, WorkingSetGib()), peerWh, EnergyMethod.PeerReported, peerUncertainty);
        }
        else if (_rapl is not null || _nvml is not null)
        {
            double joules = 0;
            if (_rapl is not null && scope.RaplAtStart is { } r0 && rapl is not null)
            {
                joules += _rapl.JoulesBetween(r0, rapl) * share;
            }
            if (_nvml is not null)
            {
                joules += (gpu >= scope.GpuMillijoulesAtStart ? gpu - scope.GpuMillijoulesAtStart : 0) / 1000.0 * share;
            }
            // Counters are exact; the attribution to one request among concurrent ones is not.
            energy = new EnergyFigure(joules, 0, EnergyMethod.Measured, activeAtEnd > 1 ? 0.2 : 0.05);
        }
        else
        {
            energy = new EnergyFigure(_cpu.Joules(cpuSeconds, WorkingSetGib()), 0, EnergyMethod.Modelled, _cpu.UncertaintyFraction);
        }

        var info = scope.Info;
        var entry = new LedgerEntry
        {
            Timestamp = _time.GetUtcNow(),
            NodeId = _options.NodeId,
            Tenant = info.Tenant,
            ApiKeyId = info.ApiKeyId,
            Route = info.Route,
            Backend = info.Backend,
            ModelId = info.ModelId,
            ModelVersion = info.ModelVersion,
            TokensIn = tokensIn,
            TokensOut = tokensOut,
            LatencyMilliseconds = wallSeconds * 1000.0,
        };
        return Impact.Apply(entry, energy, cpuSeconds, wallSeconds, Intensity.Current);
    }

    internal void Abandon()
    {
        lock (_gate)
        {
            Advance();
            _active--;
        }
    }

    private double WorkingSetGib()
    {
        var now = _time.GetTimestamp();
        if (_workingSetAt == 0 || _time.GetElapsedTime(Volatile.Read(ref _workingSetAt), now) > TimeSpan.FromSeconds(1))
        {
            Volatile.Write(ref _workingSetGib, Environment.WorkingSet / (double)(1L << 30));
            Volatile.Write(ref _workingSetAt, now);
        }
        return Volatile.Read(ref _workingSetGib);
    }
}

using Hearth.Ledger.Calibration;
using Hearth.Ledger.Carbon;
using Hearth.Ledger.Energy;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;

namespace Hearth.Ledger.Tests.Calibration;

public sealed class CalibratorTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A workload that "spends" a fixed CPU time and wall time per run on injected clocks.</summary>
    private sealed class FixedCostWorkload(Action onRun) : ICalibrationWorkload
    {
        public int Calls { get; private set; }

        public string ModelId => "tiny";

        public string ModelVersion => "sha";

        public Task<CalibrationTokens> RunOnceAsync(CancellationToken cancellationToken)
        {
            Calls++;
            onRun();
            return Task.FromResult(new CalibrationTokens(128, 64));
        }
    }

    private static (RequestMeter Meter, ManualTimeProvider Clock, Func<double> Cpu, Action<double> Spend) Meter(double pue)
    {
        var clock = new ManualTimeProvider(Start);
        double cpu = 50;
        var options = new LedgerOptions { Zone = "FRA", SitePue = pue, Cpu = new CpuPowerOptions { WattsPerCore = 10, DramWattsPerGib = 0 } };
        var s = new StaticZoneIntensitySource();
        var live = new LiveIntensity(s, options.Zone, s.Get(options.Zone, Start), TimeSpan.MaxValue, clock);
        var meter = new RequestMeter(options, live, CpuPowerModel.Create(options.Cpu, "/nonexistent"), null, null, clock, () => cpu);
        return (meter, clock, () => cpu, seconds => cpu += seconds);
    }

    [Fact]
    public async Task RunAsync_ThreeMeteredRuns_SumTheMetersFiguresAndSkipWarmup()
    {
        var (meter, clock, _, spend) = Meter(pue: 1.5);
        var workload = new FixedCostWorkload(() =>
        {
            spend(0.36);                                   // 0.36 CPU-s × 10 W = 3.6 J = 0.001 Wh IT per run
            clock.Advance(TimeSpan.FromMilliseconds(250));
        });

        var result = await Calibrator.RunAsync(meter, workload, new CalibrationOptions { WarmupRuns = 2, Runs = 3 }, CancellationToken.None);

        Assert.Equal(5, workload.Calls);
        Assert.Equal(3, result.Runs);
        Assert.Equal(3 * 128, result.TokensIn);
        Assert.Equal(3 * 64, result.TokensOut);
        Assert.Equal(3 * 0.36, result.CpuSeconds, 9);
        Assert.Equal(0.75, result.WallSeconds, 9);
        Assert.Equal(3 * 0.001 * 1.5, result.EnergyWattHours, 12);
        Assert.Equal(result.EnergyWattHours * 1000 / (3 * 192), result.WattHoursPer1kTokens, 12);
        Assert.Equal(EnergyMethod.Modelled, result.Method);
        Assert.Equal(0.5, result.UncertaintyFraction);
        Assert.Equal("tiny", result.ModelId);
        Assert.Equal("sha", result.ModelVersion);
    }

    [Fact]
    public async Task RunAsync_SameWorkAsOneMeteredRequest_GivesTheSameWattHours()
    {
        // Calibration and serving share the meter: one calibration run costs what one request with that CPU time is charged.
        var (meter, clock, _, spend) = Meter(pue: 1.2);
        var calibration = await Calibrator.RunAsync(meter, new FixedCostWorkload(() => spend(0.5)), new CalibrationOptions { WarmupRuns = 0, Runs = 1 }, CancellationToken.None);
        using var scope = meter.BeginRequest(new RequestInfo { Tenant = "t", ModelId = "tiny" });
        spend(0.5);
        var request = scope.Complete(128, 64);

        Assert.Equal(request.EnergyWattHours, calibration.EnergyWattHours, 12);
        Assert.Equal(request.CpuSeconds, calibration.CpuSeconds, 12);
    }

    [Fact]
    public async Task RunAsync_Cancelled_Throws()
    {
        var (meter, _, _, _) = Meter(pue: 1);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Calibrator.RunAsync(meter, new FixedCostWorkload(() => { }), new CalibrationOptions { WarmupRuns = 0 }, cts.Token));
    }

    [Fact]
    public void Validate_NoRuns_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CalibrationOptions { Runs = 0 }.Validate());
    }
}

using Hearth.Ledger.Carbon;
using Hearth.Ledger.Data;
using Hearth.Ledger.Energy;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;
using Hearth.Ledger.Tests.Energy;
using Hearth.TestSupport;

namespace Hearth.Ledger.Tests.Metering;

public class RequestMeterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static RequestMeter Meter(LedgerOptions options, Func<double> cpu, ManualTimeProvider clock, RaplReader? rapl = null)
    {
        var s = new StaticZoneIntensitySource();
        var live = new LiveIntensity(s, options.Zone, s.Get(options.Zone, Start), TimeSpan.MaxValue, clock);
        return new RequestMeter(options, live, CpuPowerModel.Create(options.Cpu, "/nonexistent"), rapl, null, clock, cpu);
    }

    [Fact]
    public void Create_ThisMachineWithoutRaplOrGpu_EntriesSayModelled()
    {
        // The real host: no RAPL under /sys/class/powercap and no libnvidia-ml here, so the meter must model.
        var meter = RequestMeter.Create(new LedgerOptions { Zone = "FRA" });
        Assert.False(meter.IsMeasured);
        using var scope = meter.BeginRequest(new RequestInfo { Tenant = "t", ModelId = "m" });
        var e = scope.Complete(5, 7);
        Assert.Equal(EnergyMethod.Modelled, e.EnergyMethod);
        Assert.Equal(0.5, e.EnergyUncertaintyFraction);
        Assert.StartsWith("static:FRA:", e.IntensitySource, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_SingleRequest_ModelledFromProcessCpu()
    {
        var clock = new ManualTimeProvider(Start);
        double cpu = 100;
        var options = new LedgerOptions { Zone = "FRA", SitePue = 1.5, Cpu = new CpuPowerOptions { WattsPerCore = 10, DramWattsPerGib = 0 } };
        var meter = Meter(options, () => cpu, clock);
        using var scope = meter.BeginRequest(new RequestInfo { Tenant = "acme", ModelId = "m", Route = "/v1/chat/completions" });
        cpu += 0.36; // 0.36 CPU-s × 10 W = 3.6 J = 0.001 Wh IT
        clock.Advance(TimeSpan.FromMilliseconds(500));
        var e = scope.Complete(100, 400);
        Assert.Equal(0.36, e.CpuSeconds, 9);
        Assert.Equal(0.001 * 1.5, e.EnergyWattHours, 12);
        Assert.Equal(500, e.LatencyMilliseconds, 6);
        var intensity = ZoneTable.Default.Get("FRA").GridGramsCo2ePerKwh;
        Assert.Equal(0.0015 / 1000 * intensity, e.OperationalGramsCo2e, 15);
        Assert.Equal(e.OperationalGramsCo2e + e.EmbodiedGramsCo2e, e.SciGramsCo2ePerRequest, 15);
        Assert.Equal(e.SciGramsCo2ePerRequest * 1000 / 500, e.SciGramsCo2ePer1kTokens!.Value, 15);
        // Water: grid water intensity × facility kWh (site WUE 0).
        Assert.Equal(0.0015 / 1000 * ZoneTable.Default.WaterLitersPerKwh("FRA"), e.WaterLiters, 15);
        Assert.Equal(e.EnergyWattHours, e.HeatWattHours, 15);
    }

    [Fact]
    public void Complete_TwoConcurrentRequests_SplitUnreportedCpuEquallyAndReportedByShare()
    {
        var clock = new ManualTimeProvider(Start);
        double cpu = 0;
        var options = new LedgerOptions { Cpu = new CpuPowerOptions { WattsPerCore = 1, DramWattsPerGib = 0 } };
        var meter = Meter(options, () => cpu, clock);
        var a = meter.BeginRequest(new RequestInfo { Tenant = "a" });
        cpu += 1.0; // only A running: all to A
        var b = meter.BeginRequest(new RequestInfo { Tenant = "b" });
        cpu += 2.0; // both running, nobody reported: 1.0 each
        b.AddThreadCpu(0.9); // B's worker measured 0.9 s of its own
        cpu += 0.9 + 0.2; // B's 0.9 plus 0.2 unattributed overhead → 0.1 each
        var eb = b.Complete(1, 1);
        var ea = a.Complete(1, 1);
        Assert.Equal(1.0 + 1.0 + 0.1, ea.CpuSeconds, 9);
        Assert.Equal(1.0 + 0.9 + 0.1, eb.CpuSeconds, 9);
    }

    [Fact]
    public void Complete_FakeRaplTree_SaysMeasuredAndReproducesWrappedDelta()
    {
        using var dir = new TempDir();
        var root = RaplReaderTests.FakeTree(dir, package: 262_143_000_000, dram: 1000);
        var rapl = RaplReader.TryOpen(root, out _)!;
        var clock = new ManualTimeProvider(Start);
        double cpu = 5;
        var meter = Meter(new LedgerOptions { SitePue = 1.0 }, () => cpu, clock, rapl);
        using var scope = meter.BeginRequest(new RequestInfo { Tenant = "t" });
        RaplReaderTests.Set(root, "intel-rapl:0", 3_271_150); // wrapped: 328,850 + 3,271,150 = 3.6 J
        RaplReaderTests.Set(root, "intel-rapl:0:1", 1000 + 3_600_000); // DRAM +3.6 J
        cpu += 0.2;
        clock.Advance(TimeSpan.FromSeconds(1));
        var e = scope.Complete(1, 1);
        Assert.Equal(EnergyMethod.Measured, e.EnergyMethod);
        Assert.Equal(7.2 / 3600, e.EnergyWattHours, 12);
    }

    [Fact]
    public void Complete_RemoteModel_UsesRemoteEstimate()
    {
        var clock = new ManualTimeProvider(Start);
        var meter = Meter(new LedgerOptions { Cpu = new CpuPowerOptions { WattsPerCore = 1, DramWattsPerGib = 0 } }, () => 0, clock);
        using var scope = meter.BeginRequest(new RequestInfo { Tenant = "t", Remote = new RemoteModelProfile(70, 1.2) });
        var e = scope.Complete(10, 200);
        Assert.Equal(EnergyMethod.Remote, e.EnergyMethod);
        Assert.Equal(RemoteEnergyEstimator.EstimateWattHours(70, 200, 1.2), e.EnergyWattHours, 12);
    }

    [Fact]
    public void Complete_PeerReported_RecordsPeerFigure()
    {
        var clock = new ManualTimeProvider(Start);
        var meter = Meter(new LedgerOptions { Cpu = new CpuPowerOptions { WattsPerCore = 1, DramWattsPerGib = 0 } }, () => 0, clock);
        using var scope = meter.BeginRequest(new RequestInfo { Tenant = "t", Backend = "peer" });
        scope.ReportPeerEnergy(0.25, 0.3);
        var e = scope.Complete(10, 20);
        Assert.Equal(EnergyMethod.PeerReported, e.EnergyMethod);
        Assert.Equal(0.25, e.EnergyWattHours, 12);
        Assert.Equal(0.3, e.EnergyUncertaintyFraction);
    }

    [Fact]
    public void Complete_Twice_Throws()
    {
        var meter = Meter(new LedgerOptions(), () => 0, new ManualTimeProvider(Start));
        var scope = meter.BeginRequest(new RequestInfo());
        scope.Complete(0, 0);
        Assert.Throws<InvalidOperationException>(() => scope.Complete(0, 0));
    }

    [Fact]
    public void Embodied_HalfTheDeviceForOneHour_FollowsSciM()
    {
        var options = new LedgerOptions
        {
            Embodied = new EmbodiedProfile { TotalGramsCo2e = 1_000_000, Lifetime = TimeSpan.FromDays(1000), DeviceLogicalCpus = 4 },
        };
        var calc = new Hearth.Ledger.Impact.ImpactCalculator(options);
        // 1 h wall, 2 of 4 CPUs busy → TE × (1 h / 24,000 h) × 0.5
        Assert.Equal(1_000_000 * (1.0 / 24_000) * 0.5, calc.Embodied(7200, 3600), 9);
    }

    [Fact]
    public void HeatReuse_DeclaredFraction_RecordsReusedShare()
    {
        var clock = new ManualTimeProvider(Start);
        double cpu = 0;
        var meter = Meter(new LedgerOptions { HeatReuseFraction = 0.25, Cpu = new CpuPowerOptions { WattsPerCore = 36, DramWattsPerGib = 0 } }, () => cpu, clock);
        using var scope = meter.BeginRequest(new RequestInfo());
        cpu += 1;
        var e = scope.Complete(0, 0);
        Assert.Equal(0.01, e.HeatWattHours, 12);
        Assert.Equal(0.0025, e.HeatReusedWattHours, 12);
        Assert.Null(e.SciGramsCo2ePer1kTokens);
    }
}

using Hearth.Ledger.Carbon;
using Hearth.Ledger.Energy;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;

namespace Hearth.Ledger.Tests.Metering;

/// <summary>CPU time a serving engine reports for its request (<see cref="RequestScope.ReportCpuSeconds"/>) replaces the equal split.</summary>
public class RequestMeterReportedCpuTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static RequestMeter Meter(Func<double> cpu)
    {
        var options = new LedgerOptions { Zone = "FRA", SitePue = 1.0, Cpu = new CpuPowerOptions { WattsPerCore = 10, DramWattsPerGib = 0 } };
        var clock = new ManualTimeProvider(Start);
        var s = new StaticZoneIntensitySource();
        var live = new LiveIntensity(s, options.Zone, s.Get(options.Zone, Start), TimeSpan.MaxValue, clock);
        return new RequestMeter(options, live, CpuPowerModel.Create(options.Cpu, "/nonexistent"), null, null, clock, cpu);
    }

    [Fact]
    public void Complete_LocalRequestReportsItsCpu_EntryCpuSecondsIsThatFigureAndOthersSplitTheRest()
    {
        double cpu = 0;
        var meter = Meter(() => cpu);
        var local = meter.BeginRequest(new RequestInfo { Tenant = "local", Backend = "local" });
        var other = meter.BeginRequest(new RequestInfo { Tenant = "upstream", Backend = "upstream" });
        cpu += 3.0;                       // both active: the engine used 2.4 s of it for the local request
        local.ReportCpuSeconds(2.4);
        var localEntry = local.Complete(10, 100);
        cpu += 0.5;                       // the other alone
        var otherEntry = other.Complete(10, 10);

        Assert.Equal(2.4, localEntry.CpuSeconds);                    // exactly the reported figure
        Assert.Equal(EnergyMethod.Modelled, localEntry.EnergyMethod);
        Assert.Equal(2.4 * 10 / 3600, localEntry.EnergyWattHours, 12); // 10 W per core, PUE 1, no DRAM
        Assert.Equal(((3.0 - 2.4) / 2) + 0.5, otherEntry.CpuSeconds, 9); // the unreported 0.6 s split by two, then 0.5 s alone
    }

    [Fact]
    public void Complete_NoReport_FallsBackToTheEqualSplit()
    {
        double cpu = 0;
        var meter = Meter(() => cpu);
        var a = meter.BeginRequest(new RequestInfo { Tenant = "a" });
        var b = meter.BeginRequest(new RequestInfo { Tenant = "b" });
        cpu += 3.0;
        var ea = a.Complete(1, 1);
        var eb = b.Complete(1, 1);
        Assert.Equal(1.5, ea.CpuSeconds, 9);
        Assert.Equal(1.5, eb.CpuSeconds, 9);
    }

    [Fact]
    public void ReportCpuSeconds_SecondReport_ReplacesTheFirst()
    {
        double cpu = 0;
        var meter = Meter(() => cpu);
        var local = meter.BeginRequest(new RequestInfo { Tenant = "local" });
        var other = meter.BeginRequest(new RequestInfo { Tenant = "other" });
        cpu += 2.0;
        local.ReportCpuSeconds(0.5);
        local.ReportCpuSeconds(1.0);
        Assert.Equal(1.0, local.Complete(1, 1).CpuSeconds);
        Assert.Equal(0.5, other.Complete(1, 1).CpuSeconds, 9);     // (2.0 − 1.0) / 2: only the final figure was withheld
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void ReportCpuSeconds_InvalidFigure_Throws(double seconds)
    {
        var meter = Meter(() => 0);
        using var scope = meter.BeginRequest(new RequestInfo());
        Assert.Throws<ArgumentOutOfRangeException>(() => scope.ReportCpuSeconds(seconds));
    }
}

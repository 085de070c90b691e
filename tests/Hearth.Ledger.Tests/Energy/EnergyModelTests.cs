using Hearth.Ledger.Data;
using Hearth.Ledger.Energy;
using Hearth.Ledger.Options;
using Hearth.TestSupport;

namespace Hearth.Ledger.Tests.Energy;

public class EnergyModelTests
{
    [Fact]
    public void NvmlTryOpen_LibraryAbsent_ReturnsNullAndReason()
    {
        var nvml = NvmlEnergyReader.TryOpen("/nonexistent/libnvidia-ml.so.1", out var reason);
        Assert.Null(nvml);
        Assert.Contains("not found", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NvmlTryOpen_LibraryWithoutNvmlSymbols_ReturnsNull()
    {
        // libc exists everywhere but has no NVML entry points: a clean fallback, not a crash.
        var nvml = NvmlEnergyReader.TryOpen("libc.so.6", out var reason);
        Assert.Null(nvml);
        Assert.Contains("lacks the NVML entry points", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CpuPowerModel_EpycFromCpuInfo_UsesFamilyMedianPerCore()
    {
        using var dir = new TempDir();
        var cpuinfo = dir.File("cpuinfo");
        File.WriteAllText(cpuinfo, "processor\t: 0\nmodel name\t: AMD EPYC 7B13 64-Core Processor\ncpu cores\t: 4\n");
        var model = CpuPowerModel.Create(new CpuPowerOptions(), cpuinfo);
        Assert.True(CpuTdpTable.Default.TryLookup("AMD EPYC 7B13", out var family, out var tdp));
        Assert.Equal("AMD EPYC", family);
        Assert.Equal(tdp / 4, model.WattsPerCore, 9);
        Assert.Contains("AMD EPYC", model.Basis, StringComparison.Ordinal);
        // 10 CPU-seconds at W/core plus DRAM 2 GiB × 0.375 W/GiB.
        Assert.Equal(10 * ((tdp / 4) + 0.75), model.Joules(10, 2), 9);
        Assert.DoesNotContain("virtual machine", model.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void CpuPowerModel_GuestCpu_BasisSaysTheFigureIsLikelyAnOverestimate()
    {
        using var dir = new TempDir();
        var cpuinfo = dir.File("cpuinfo");
        File.WriteAllText(cpuinfo, "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 hypervisor avx2\ncpu cores\t: 2\n");

        var guessed = CpuPowerModel.Create(new CpuPowerOptions(), cpuinfo);
        var configured = CpuPowerModel.Create(new CpuPowerOptions { CoresPerPackage = 64 }, cpuinfo);

        Assert.Contains("virtual machine", guessed.Basis, StringComparison.Ordinal);
        Assert.Contains("CoresPerPackage", guessed.Basis, StringComparison.Ordinal);
        Assert.DoesNotContain("virtual machine", configured.Basis, StringComparison.Ordinal);
        Assert.Equal(guessed.WattsPerCore / 32, configured.WattsPerCore, 9);
    }

    [Fact]
    public void CpuPowerModel_ConfiguredWattsPerCore_Overrides()
    {
        var model = CpuPowerModel.Create(new CpuPowerOptions { WattsPerCore = 7.5, DramWattsPerGib = 0 }, "/nonexistent");
        Assert.Equal(75, model.Joules(10, 4), 9);
    }

    [Fact]
    public void CpuTdpTable_IntelNameWithTrademarks_MatchesLongestFamily()
    {
        Assert.True(CpuTdpTable.Default.TryLookup("Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", out var family, out _));
        Assert.Equal("Intel Xeon Gold", family);
        Assert.False(CpuTdpTable.Default.TryLookup("Quantum Brain 9000", out _, out var fallback));
        Assert.Equal(CpuTdpTable.Default.FallbackTdpWatts, fallback);
    }

    [Fact]
    public void RemoteEstimate_70BModel_FollowsFormula()
    {
        // 100 tokens × (8.91e-5 × 70 + 1.43e-3) Wh × PUE 1.2
        Assert.Equal(100 * ((8.91e-5 * 70) + 1.43e-3) * 1.2, RemoteEnergyEstimator.EstimateWattHours(70, 100, 1.2), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => RemoteEnergyEstimator.EstimateWattHours(7, 10, 0.9));
    }
}

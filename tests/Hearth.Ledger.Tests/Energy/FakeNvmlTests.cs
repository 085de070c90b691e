using System.Diagnostics;
using System.Runtime.InteropServices;
using Hearth.Ledger.Carbon;
using Hearth.Ledger.Energy;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;
using Hearth.TestSupport;

namespace Hearth.Ledger.Tests.Energy;

/// <summary>
/// NVML through a fake <c>libnvidia-ml</c> built with gcc at test time: two "GPUs" whose energy counters the test sets.
/// gcc is part of this project's machine image (build-essential); a missing compiler fails the test.
/// </summary>
public unsafe class FakeNvmlTests
{
    private const string Source = """
        #include <stdint.h>
        static unsigned long long energy_mj = 1000000ULL;
        int nvmlInit_v2(void) { return 0; }
        int nvmlShutdown(void) { return 0; }
        int nvmlDeviceGetCount_v2(unsigned int *n) { *n = 2; return 0; }
        int nvmlDeviceGetHandleByIndex_v2(unsigned int i, void **h) { *h = (void *)(uintptr_t)(i + 1); return 0; }
        int nvmlDeviceGetTotalEnergyConsumption(void *h, unsigned long long *mj) { *mj = energy_mj * (uintptr_t)h; return 0; }
        void fake_set_energy(unsigned long long e) { energy_mj = e; }
        """;

    private static string BuildFakeLibrary(TempDir dir)
    {
        var c = dir.File("fake_nvml.c");
        var so = dir.File("libfake-nvml.so");
        File.WriteAllText(c, Source);
        var psi = new ProcessStartInfo("gcc") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-shared", "-fPIC", "-O1", "-o", so, c })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start gcc");
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "gcc failed: " + err);
        return so;
    }

    [Fact]
    public void TryOpen_FakeLibrary_SumsBothDevices()
    {
        using var dir = new TempDir();
        var so = BuildFakeLibrary(dir);
        using var nvml = NvmlEnergyReader.TryOpen(so, out var reason);
        Assert.True(nvml is not null, reason);
        Assert.Equal(2, nvml.DeviceCount);
        Assert.Equal(3_000_000UL, nvml.ReadMillijoules()); // 1e6 + 2e6 mJ
    }

    [Fact]
    public void Complete_FakeNvml_SaysMeasuredAndReproducesDelta()
    {
        using var dir = new TempDir();
        var so = BuildFakeLibrary(dir);
        using var nvml = NvmlEnergyReader.TryOpen(so, out var reason)!;
        Assert.True(nvml is not null, reason);
        var lib = NativeLibrary.Load(so);
        try
        {
            var set = (delegate* unmanaged<ulong, void>)NativeLibrary.GetExport(lib, "fake_set_energy");
            set(1_000_000);
            var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
            var s = new StaticZoneIntensitySource();
            var options = new LedgerOptions { SitePue = 1.0 };
            var meter = new RequestMeter(options, new LiveIntensity(s, "WOR", s.Get("WOR", clock.GetUtcNow()), TimeSpan.MaxValue, clock),
                CpuPowerModel.Create(options.Cpu, "/nonexistent"), null, nvml, clock, () => 0);
            using var scope = meter.BeginRequest(new RequestInfo { Tenant = "t" });
            set(1_001_200); // +1,200 mJ on GPU 0 and +2,400 mJ on GPU 1 = 3.6 J
            var e = scope.Complete(1, 1);
            Assert.Equal(EnergyMethod.Measured, e.EnergyMethod);
            Assert.Equal(0.001, e.EnergyWattHours, 12);
        }
        finally
        {
            NativeLibrary.Free(lib);
        }
    }
}

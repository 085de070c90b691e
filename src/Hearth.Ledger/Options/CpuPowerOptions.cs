namespace Hearth.Ledger.Options;

/// <summary>Constants of the modelled (CPU-time) energy estimate. See docs/ledger.md for their sources.</summary>
public sealed record CpuPowerOptions
{
    /// <summary>Active power per core, watts. When set, overrides the TDP table.</summary>
    public double? WattsPerCore { get; init; }

    /// <summary>Package TDP in watts; when null it is looked up from the CPU model name in the embedded table.</summary>
    public double? PackageTdpWatts { get; init; }

    /// <summary>Physical cores of the package the TDP covers; when null, /proc/cpuinfo's "cpu cores" (or the logical CPU count).</summary>
    public int? CoresPerPackage { get; init; }

    /// <summary>CPU model name override (else /proc/cpuinfo "model name").</summary>
    public string? ModelName { get; init; }

    /// <summary>DRAM power per GiB of resident memory, watts (CodeCarbon's 3 W per 8 GB = 0.375 W/GiB).</summary>
    public double DramWattsPerGib { get; init; } = 0.375;

    /// <summary>Relative uncertainty stated for modelled entries (default ±50 %).</summary>
    public double UncertaintyFraction { get; init; } = 0.5;

    internal void Validate(List<string> errors)
    {
        if (WattsPerCore is { } w)
        {
            LedgerOptions.Range(errors, "Cpu.WattsPerCore", w, 0.01, 1000);
        }
        if (PackageTdpWatts is { } t)
        {
            LedgerOptions.Range(errors, "Cpu.PackageTdpWatts", t, 0.1, 5000);
        }
        if (CoresPerPackage is { } c && (c < 1 || c > 4096))
        {
            errors.Add($"Cpu.CoresPerPackage: {c} is outside [1, 4096].");
        }
        LedgerOptions.Range(errors, "Cpu.DramWattsPerGib", DramWattsPerGib, 0, 10);
        LedgerOptions.Range(errors, "Cpu.UncertaintyFraction", UncertaintyFraction, 0, 10);
    }
}

using System.Globalization;
using Hearth.Ledger.Data;
using Hearth.Ledger.Options;

namespace Hearth.Ledger.Energy;

/// <summary>
/// The modelled energy of CPU work: <c>E = cpuSeconds × W_core + cpuSeconds × residentGiB × W_DRAM/GiB</c>, where
/// <c>W_core = TDP ÷ cores per package</c> (TDP from configuration or the embedded family table) unless configured.
/// DRAM power is charged only while the request's work runs (its CPU seconds).
/// </summary>
public sealed class CpuPowerModel
{
    public CpuPowerModel(double wattsPerCore, double dramWattsPerGib, double uncertaintyFraction, string basis)
    {
        WattsPerCore = wattsPerCore;
        DramWattsPerGib = dramWattsPerGib;
        UncertaintyFraction = uncertaintyFraction;
        Basis = basis;
    }

    public double WattsPerCore { get; }
    public double DramWattsPerGib { get; }
    public double UncertaintyFraction { get; }

    /// <summary>How <see cref="WattsPerCore"/> was chosen, for docs and the calibrate report.</summary>
    public string Basis { get; }

    /// <summary>Joules for <paramref name="cpuSeconds"/> of work while <paramref name="residentGib"/> GiB are resident.</summary>
    public double Joules(double cpuSeconds, double residentGib) =>
        Math.Max(0, cpuSeconds) * (WattsPerCore + (Math.Max(0, residentGib) * DramWattsPerGib));

    /// <summary>Builds the model from options, the embedded TDP table and <paramref name="cpuInfoPath"/>.</summary>
    public static CpuPowerModel Create(CpuPowerOptions options, string cpuInfoPath = "/proc/cpuinfo")
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.WattsPerCore is { } w)
        {
            return new CpuPowerModel(w, options.DramWattsPerGib, options.UncertaintyFraction,
                string.Create(CultureInfo.InvariantCulture, $"configured {w} W per core"));
        }
        var (model, cores, virtualized) = ReadCpuInfo(cpuInfoPath);
        model = options.ModelName ?? model;
        var coreCount = options.CoresPerPackage ?? cores ?? Environment.ProcessorCount;
        string tdpBasis;
        double tdp;
        if (options.PackageTdpWatts is { } t)
        {
            tdp = t;
            tdpBasis = "configured TDP";
        }
        else if (CpuTdpTable.Default.TryLookup(model, out var family, out tdp))
        {
            tdpBasis = $"median TDP of family '{family}' (CodeCarbon table)";
        }
        else
        {
            tdpBasis = $"fallback TDP (median of family medians) for unknown CPU '{model}'";
        }
        var perCore = tdp / Math.Max(1, coreCount);
        // A guest sees its own vCPUs, not the package's cores: the package TDP over them overstates the power per core.
        var vmNote = virtualized && options.CoresPerPackage is null
            ? "; virtual machine: the package's real core count is hidden, so this is likely an overestimate (set Ledger:Cpu:CoresPerPackage or WattsPerCore)"
            : "";
        return new CpuPowerModel(perCore, options.DramWattsPerGib, options.UncertaintyFraction,
            string.Create(CultureInfo.InvariantCulture, $"{tdp} W {tdpBasis} ÷ {coreCount} cores = {perCore:0.###} W per core{vmNote}"));
    }

    private static (string Model, int? Cores, bool Virtualized) ReadCpuInfo(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return ("unknown", null, false);
            }
            string model = "unknown";
            int? cores = null;
            bool virtualized = false;
            foreach (var line in File.ReadLines(path))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    continue;
                }
                var key = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (key == "model name" && model == "unknown")
                {
                    model = value;
                }
                else if (key == "cpu cores" && cores is null && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) && c > 0)
                {
                    cores = c;
                }
                else if (key == "flags" && !virtualized)
                {
                    virtualized = value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("hypervisor", StringComparer.Ordinal);
                }
            }
            return (model, cores, virtualized);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ("unknown", null, false);
        }
    }
}

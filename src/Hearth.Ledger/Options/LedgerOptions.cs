using System.Globalization;

namespace Hearth.Ledger.Options;

/// <summary>
/// Everything the ledger needs to meter and record requests on one node. Immutable; build one at startup,
/// call <see cref="Validate"/>, and fail with its messages when any are returned.
/// </summary>
public sealed record LedgerOptions
{
    /// <summary>This node's id, written into every entry and checkpoint.</summary>
    public string NodeId { get; init; } = Environment.MachineName;

    /// <summary>Grid zone for location-based intensity and water: ISO 3166-1 alpha-3 (e.g. <c>FRA</c>) or <c>WOR</c>.</summary>
    public string Zone { get; init; } = "WOR";

    /// <summary>Power usage effectiveness of the site (facility energy ÷ IT energy), ≥ 1.</summary>
    public double SitePue { get; init; } = 1.0;

    /// <summary>On-site water usage effectiveness, litres per kWh of IT energy (0 for air cooling without evaporation).</summary>
    public double SiteWueLitersPerKwh { get; init; }

    /// <summary>Share (0..1) of the released heat the site reuses (district heating, greenhouse…); 0 when none is declared.</summary>
    public double HeatReuseFraction { get; init; }

    /// <summary>The device's embodied emissions profile (SCI's M).</summary>
    public EmbodiedProfile Embodied { get; init; } = new();

    /// <summary>How CPU energy is modelled when no counters are available.</summary>
    public CpuPowerOptions Cpu { get; init; } = new();

    /// <summary>Which carbon-intensity source to use, and its fallbacks.</summary>
    public IntensitySourceOptions Intensity { get; init; } = new();

    /// <summary>Where and how entries are stored.</summary>
    public LedgerStoreOptions Store { get; init; } = new();

    /// <summary>Per tenant/key budgets.</summary>
    public IReadOnlyList<BudgetRule> Budgets { get; init; } = [];

    /// <summary>Root of the powercap sysfs tree (RAPL); injectable for tests. Null disables RAPL.</summary>
    public string? PowercapRoot { get; init; } = "/sys/class/powercap";

    /// <summary>NVML library to load (GPU energy); null disables NVML.</summary>
    public string? NvmlLibrary { get; init; } = "libnvidia-ml.so.1";

    /// <summary>Every problem with these options, each naming the field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(NodeId))
        {
            errors.Add("NodeId: must not be empty.");
        }
        if (string.IsNullOrWhiteSpace(Zone))
        {
            errors.Add("Zone: must be an ISO 3166-1 alpha-3 code such as FRA, or WOR for the world average.");
        }
        else if (!Data.ZoneTable.Default.TryGet(Zone, out _))
        {
            errors.Add($"Zone: '{Zone}' is not in the embedded zone table (use an ISO 3166-1 alpha-3 code such as FRA, DEU, USA, or WOR).");
        }
        Range(errors, "SitePue", SitePue, 1.0, 5.0);
        Range(errors, "SiteWueLitersPerKwh", SiteWueLitersPerKwh, 0, 100);
        Range(errors, "HeatReuseFraction", HeatReuseFraction, 0, 1);
        Embodied.Validate(errors);
        Cpu.Validate(errors);
        Intensity.Validate(errors);
        Store.Validate(errors);
        for (var i = 0; i < Budgets.Count; i++)
        {
            Budgets[i].Validate(errors, $"Budgets[{i}]");
        }
        return errors;
    }

    /// <summary>Throws <see cref="LedgerConfigurationException"/> listing every problem, or returns this.</summary>
    public LedgerOptions ThrowIfInvalid()
    {
        var errors = Validate();
        return errors.Count == 0 ? this : throw new LedgerConfigurationException(errors);
    }

    internal static void Range(List<string> errors, string field, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{field}: {value} is outside [{min}, {max}]."));
        }
    }
}

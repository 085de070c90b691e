using Hearth.Ledger.Carbon;
using Hearth.Ledger.Data;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Options;

namespace Hearth.Ledger.Impact;

/// <summary>The energy of one request before impacts are derived.</summary>
/// <param name="ItJoules">Energy at the IT equipment (before site PUE), joules; local work.</param>
/// <param name="ExternalFacilityWattHours">Facility energy already including someone else's PUE (remote estimate, peer report).</param>
/// <param name="Method">How the energy was obtained.</param>
/// <param name="UncertaintyFraction">Relative uncertainty of the energy figure.</param>
public readonly record struct EnergyFigure(double ItJoules, double ExternalFacilityWattHours, EnergyMethod Method, double UncertaintyFraction);

/// <summary>
/// Turns energy into the entry's amounts: facility energy (site PUE), operational carbon (E·I), embodied carbon (M),
/// water (on-site WUE + grid water intensity), heat, and SCI per request and per 1,000 tokens.
/// </summary>
public sealed class ImpactCalculator
{
    private readonly LedgerOptions _options;
    private readonly double _gridWaterLitersPerKwh;

    public ImpactCalculator(LedgerOptions options, ZoneTable? zones = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _gridWaterLitersPerKwh = (zones ?? ZoneTable.Default).WaterLitersPerKwh(options.Zone);
    }

    /// <summary>Grid water intensity used, L per kWh (EcoLogits; world mix when the zone is not listed).</summary>
    public double GridWaterLitersPerKwh => _gridWaterLitersPerKwh;

    /// <summary>Fills the amounts of <paramref name="entry"/> from <paramref name="energy"/>.</summary>
    public LedgerEntry Apply(LedgerEntry entry, EnergyFigure energy, double cpuSeconds, double wallSeconds, IntensityReading intensity)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(intensity);
        var itWh = Math.Max(0, energy.ItJoules) / 3600.0;
        var localFacilityWh = itWh * _options.SitePue;
        var facilityWh = localFacilityWh + Math.Max(0, energy.ExternalFacilityWattHours);
        var facilityKwh = facilityWh / 1000.0;
        var operational = facilityKwh * intensity.GramsCo2ePerKwh;
        var embodied = Embodied(cpuSeconds, wallSeconds);
        var water = (itWh / 1000.0 * _options.SiteWueLitersPerKwh) + (facilityKwh * _gridWaterLitersPerKwh);
        var heat = localFacilityWh;
        var sci = operational + embodied;
        var tokens = entry.TokensIn + entry.TokensOut;
        return entry with
        {
            CpuSeconds = cpuSeconds,
            EnergyWattHours = facilityWh,
            EnergyMethod = energy.Method,
            EnergyUncertaintyFraction = energy.UncertaintyFraction,
            IntensityGramsCo2ePerKwh = intensity.GramsCo2ePerKwh,
            IntensitySource = intensity.Source,
            Zone = _options.Zone,
            OperationalGramsCo2e = operational,
            EmbodiedGramsCo2e = embodied,
            WaterLiters = water,
            HeatWattHours = heat,
            HeatReusedWattHours = heat * _options.HeatReuseFraction,
            SciGramsCo2ePerRequest = sci,
            SciGramsCo2ePer1kTokens = tokens > 0 ? sci * 1000.0 / tokens : null,
        };
    }

    /// <summary>
    /// SCI's M for one request: <c>TE × (wall / lifetime) × share</c>, share = CPU seconds ÷ (wall × device CPUs), capped at 1.
    /// </summary>
    public double Embodied(double cpuSeconds, double wallSeconds)
    {
        var e = _options.Embodied;
        if (wallSeconds <= 0)
        {
            return 0;
        }
        var share = Math.Clamp(cpuSeconds / (wallSeconds * e.DeviceLogicalCpus), 0, 1);
        return e.TotalGramsCo2e * (wallSeconds / e.Lifetime.TotalSeconds) * share;
    }
}

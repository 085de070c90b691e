namespace Hearth.Ledger.Data;

/// <summary>One zone's annual figures from the embedded <c>zones.csv</c>.</summary>
/// <param name="Zone">ISO 3166-1 alpha-3 code (or WOR).</param>
/// <param name="Name">Country name.</param>
/// <param name="GridGramsCo2ePerKwh">Location-based annual grid intensity (Our World in Data via CodeCarbon).</param>
/// <param name="Year">Year of the intensity figure.</param>
/// <param name="WaterLitersPerKwh">Water consumed per kWh generated (EcoLogits), null when the zone is not listed.</param>
public sealed record ZoneFigures(string Zone, string Name, double GridGramsCo2ePerKwh, int Year, double? WaterLitersPerKwh);

/// <summary>Annual grid intensity and water per zone, embedded from <c>Data/zones.csv</c> (sources named in the file).</summary>
public sealed class ZoneTable
{
    private static readonly Lazy<ZoneTable> s_default = new(() => new ZoneTable(EmbeddedData.ReadCsv("zones.csv")));
    private readonly Dictionary<string, ZoneFigures> _zones = new(StringComparer.OrdinalIgnoreCase);

    private ZoneTable(IReadOnlyList<Dictionary<string, string>> rows)
    {
        foreach (var r in rows)
        {
            var water = r["water_l_per_kwh"];
            _zones[r["zone"]] = new ZoneFigures(
                r["zone"],
                r["name"],
                EmbeddedData.Number(r, "grid_gco2e_per_kwh", "zones.csv"),
                (int)EmbeddedData.Number(r, "grid_year", "zones.csv"),
                water.Length == 0 ? null : EmbeddedData.Number(r, "water_l_per_kwh", "zones.csv"));
        }
    }

    /// <summary>The embedded table.</summary>
    public static ZoneTable Default => s_default.Value;

    /// <summary>Every zone code.</summary>
    public IEnumerable<string> Zones => _zones.Keys;

    /// <summary>The figures of <paramref name="zone"/>; throws naming the zone when unknown.</summary>
    public ZoneFigures Get(string zone) =>
        _zones.TryGetValue(zone, out var z) ? z
            : throw new KeyNotFoundException($"Zone '{zone}' is not in the embedded zone table (use an ISO 3166-1 alpha-3 code such as FRA, DEU, USA, or WOR).");

    public bool TryGet(string zone, out ZoneFigures figures) => _zones.TryGetValue(zone, out figures!);

    /// <summary>Grid water intensity for <paramref name="zone"/>, falling back to the world mix (WOR) when not listed.</summary>
    public double WaterLitersPerKwh(string zone) =>
        (_zones.TryGetValue(zone, out var z) ? z.WaterLitersPerKwh : null) ?? _zones["WOR"].WaterLitersPerKwh ?? 0;
}

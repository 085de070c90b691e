using System.Globalization;
using Hearth.Ledger.Data;

namespace Hearth.Ledger.Carbon;

/// <summary>Annual average intensity per zone from the embedded table (Our World in Data via CodeCarbon; year per zone).</summary>
public sealed class StaticZoneIntensitySource : ICarbonIntensitySource
{
    private readonly ZoneTable _table;

    public StaticZoneIntensitySource(ZoneTable? table = null) => _table = table ?? ZoneTable.Default;

    public string Name => "static";

    /// <summary>The reading for <paramref name="zone"/> (no I/O).</summary>
    public IntensityReading Get(string zone, DateTimeOffset at)
    {
        if (!_table.TryGet(zone, out var z))
        {
            throw new IntensityUnavailableException(
                $"Zone '{zone}' is not in the embedded zone table (use an ISO 3166-1 alpha-3 code such as FRA, DEU, USA, or WOR).");
        }
        var start = new DateTimeOffset(z.Year, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _ = at;
        return new IntensityReading(z.GridGramsCo2ePerKwh, string.Create(CultureInfo.InvariantCulture, $"static:{z.Zone}:{z.Year}"), start, start.AddYears(1) - start);
    }

    public Task<IntensityReading> GetIntensityAsync(string location, DateTimeOffset at, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Get(location, at));
    }
}

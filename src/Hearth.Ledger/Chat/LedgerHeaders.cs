using System.Globalization;
using Hearth.Ledger.Entries;

namespace Hearth.Ledger.Chat;

/// <summary>The response headers every metered response carries, formatted from its ledger entry.</summary>
public static class LedgerHeaders
{
    public const string EnergyWattHours = "x-hearth-energy-wh";
    public const string CarbonGrams = "x-hearth-carbon-g";
    public const string WaterLiters = "x-hearth-water-l";
    public const string Method = "x-hearth-method";

    /// <summary>The ledger entry's id (32 hex digits), known when the request starts: <c>GET /v1/ledger/entries/{id}</c>.</summary>
    public const string EntryId = "x-hearth-entry-id";

    /// <summary>Header name/value pairs for <paramref name="entry"/> (carbon = operational + embodied, gCO2e).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> For(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return
        [
            new(EnergyWattHours, entry.EnergyWattHours.ToString("0.#########", CultureInfo.InvariantCulture)),
            new(CarbonGrams, entry.TotalGramsCo2e.ToString("0.#########", CultureInfo.InvariantCulture)),
            new(WaterLiters, entry.WaterLiters.ToString("0.#########", CultureInfo.InvariantCulture)),
            new(Method, entry.EnergyMethod.ToWireName()),
        ];
    }
}

namespace Hearth.Ledger.Entries;

/// <summary>
/// One request's line in the ledger: who, what, how much energy (and how it was obtained), the carbon, water and heat
/// that follow from it, and the hash chain link. Amounts carry their unit in the name.
/// </summary>
/// <remarks>
/// <see cref="Sequence"/>, <see cref="PrevHash"/> and <see cref="Hash"/> are assigned by the store when the entry is
/// appended; an entry fresh from the meter has <c>Sequence = 0</c> and empty hashes. Timestamps are whole microseconds
/// (UTC) so they round-trip exactly through every store.
/// </remarks>
public sealed record LedgerEntry
{
    /// <summary>Position in the chain, 1-based; 0 until appended.</summary>
    public long Sequence { get; init; }

    /// <summary>Unique id of the request's entry (also the idempotency key).</summary>
    public Guid EntryId { get; init; } = Guid.NewGuid();

    /// <summary>When the request completed (UTC, microsecond precision).</summary>
    public DateTimeOffset Timestamp { get; init; }

    public string NodeId { get; init; } = "";
    public string Tenant { get; init; } = "";

    /// <summary>An API key's id (never the secret), or empty.</summary>
    public string ApiKeyId { get; init; } = "";
    public string Route { get; init; } = "";
    public string Backend { get; init; } = "";

    /// <summary>Model id, e.g. <c>stories260K</c> or an upstream model string.</summary>
    public string ModelId { get; init; } = "";

    /// <summary>Model version: GGUF SHA-256 for local files, the upstream model string otherwise.</summary>
    public string ModelVersion { get; init; } = "";
    public long TokensIn { get; init; }
    public long TokensOut { get; init; }
    public double LatencyMilliseconds { get; init; }

    /// <summary>CPU time attributed to the request (after splitting concurrent work by CPU-time share).</summary>
    public double CpuSeconds { get; init; }

    /// <summary>Facility energy (IT energy × site PUE), watt-hours.</summary>
    public double EnergyWattHours { get; init; }
    public EnergyMethod EnergyMethod { get; init; }

    /// <summary>Relative uncertainty of the energy figure (0.3 = ±30 %).</summary>
    public double EnergyUncertaintyFraction { get; init; }

    /// <summary>Location-based grid intensity used for SCI, gCO2e per kWh.</summary>
    public double IntensityGramsCo2ePerKwh { get; init; }

    /// <summary>Which source gave the intensity (e.g. <c>static:FRA:2023</c>, <c>electricitymaps</c>, <c>fallback-static</c>).</summary>
    public string IntensitySource { get; init; } = "";
    public string Zone { get; init; } = "";
    public double OperationalGramsCo2e { get; init; }
    public double EmbodiedGramsCo2e { get; init; }
    public double WaterLiters { get; init; }
    public double HeatWattHours { get; init; }
    public double HeatReusedWattHours { get; init; }

    /// <summary>SCI with R = one request: operational + embodied, gCO2e.</summary>
    public double SciGramsCo2ePerRequest { get; init; }

    /// <summary>SCI with R = 1,000 tokens (in + out); null when the request had no tokens.</summary>
    public double? SciGramsCo2ePer1kTokens { get; init; }

    /// <summary>
    /// Why the request went where it went: the router's explanation (its routing outcome's reason), empty when no router decided.
    /// Covered by the hash from encoding version 2.
    /// </summary>
    public string Reason { get; init; } = "";

    /// <summary>The routing policy that decided (its routing outcome's policy); empty when not routed. Hashed from version 2.</summary>
    public string Policy { get; init; } = "";

    /// <summary>How the request ended: answered, cancelled by the client, or failed. Hashed from version 2.</summary>
    public RequestOutcome Outcome { get; init; }

    /// <summary>
    /// Version of the canonical encoding this entry's hash uses (<see cref="LedgerHash.CurrentEncodingVersion"/> for new
    /// entries; 1 for entries written before reason, policy and outcome existed). Stores keep it per entry so old hashes stay valid.
    /// </summary>
    public int EncodingVersion { get; init; } = LedgerHash.CurrentEncodingVersion;

    /// <summary>Hex SHA-256 of the previous entry (64 zeros for the first).</summary>
    public string PrevHash { get; init; } = "";

    /// <summary>Hex SHA-256 over <see cref="PrevHash"/> and the canonical encoding of this entry.</summary>
    public string Hash { get; init; } = "";

    /// <summary>Total gCO2e (operational + embodied).</summary>
    public double TotalGramsCo2e => OperationalGramsCo2e + EmbodiedGramsCo2e;
}

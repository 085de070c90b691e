using System.Text.Json.Serialization;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Queries;
using Hearth.Ledger.Reports;
using Hearth.Ledger.Store;

namespace Hearth.Server.LedgerApi;

/// <summary>One entry as <c>GET /v1/ledger/entries</c> returns it (amounts with units in the names).</summary>
public sealed record LedgerEntryDto(
    long Sequence, string Id, DateTimeOffset Timestamp, string NodeId, string Tenant, string Route, string Backend,
    string ModelId, string ModelVersion, long TokensIn, long TokensOut, double LatencyMs, double EnergyWh, string EnergyMethod,
    double EnergyUncertaintyFraction, double IntensityGramsCo2ePerKwh, string IntensitySource, double OperationalGramsCo2e,
    double EmbodiedGramsCo2e, double WaterLiters, double HeatWh, double HeatReusedWh, double SciGramsCo2ePerRequest,
    double? SciGramsCo2ePer1kTokens, string PrevHash, string Hash, string Reason, string Policy, string Outcome, int EncodingVersion)
{
    public static LedgerEntryDto From(LedgerEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Sequence, e.EntryId.ToString("N"), e.Timestamp, e.NodeId, e.Tenant, e.Route, e.Backend, e.ModelId, e.ModelVersion,
            e.TokensIn, e.TokensOut, e.LatencyMilliseconds, e.EnergyWattHours, e.EnergyMethod.ToWireName(), e.EnergyUncertaintyFraction,
            e.IntensityGramsCo2ePerKwh, e.IntensitySource, e.OperationalGramsCo2e, e.EmbodiedGramsCo2e, e.WaterLiters, e.HeatWattHours,
            e.HeatReusedWattHours, e.SciGramsCo2ePerRequest, e.SciGramsCo2ePer1kTokens, e.PrevHash, e.Hash, e.Reason, e.Policy,
            e.Outcome.ToWireName(), e.EncodingVersion);
    }
}

/// <summary>A page of entries; <see cref="NextAfter"/> is null on the last page.</summary>
public sealed record LedgerEntriesPage(IReadOnlyList<LedgerEntryDto> Data, long? NextAfter)
{
    public static LedgerEntriesPage From(LedgerPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new([.. page.Entries.Select(LedgerEntryDto.From)], page.NextAfter);
    }
}

/// <summary>Response of <c>GET /v1/ledger/verify</c>.</summary>
public sealed record LedgerVerificationDto(bool Valid, long EntriesChecked, long CheckpointsChecked, string? Failure, long? FirstBadSequence, string Message)
{
    public static LedgerVerificationDto From(LedgerVerification v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return new(v.IsValid, v.EntriesChecked, v.CheckpointsChecked, v.IsValid ? null : v.Failure.ToString().ToLowerInvariant(), v.FirstBadSequence, v.Message);
    }
}

/// <summary>Response of <c>GET /v1/ledger/summary</c>.</summary>
public sealed record LedgerSummaryDto(string GroupBy, IReadOnlyList<ReportRow> Groups, ReportRow Total, CounterfactualModel Counterfactual)
{
    public static LedgerSummaryDto From(LedgerReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(report.GroupBy.ToString().ToLowerInvariant(), report.Rows, report.Total, report.Counterfactual);
    }
}

/// <summary>Source-generated JSON for the ledger API's DTOs (snake_case, like the OpenAI wire types).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(LedgerEntriesPage))]
[JsonSerializable(typeof(LedgerSummaryDto))]
[JsonSerializable(typeof(LedgerEntryDto))]
[JsonSerializable(typeof(LedgerVerificationDto))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;

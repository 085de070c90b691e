using Hearth.Ledger.Entries;
using Hearth.Ledger.Reports;
using Hearth.Ledger.Store;

namespace Hearth.Ledger.Api;

/// <summary>Query of <c>GET /v1/ledger/entries</c>: <c>?after=&amp;limit=&amp;tenant=&amp;model=&amp;route=&amp;from=&amp;to=</c>.</summary>
public sealed record LedgerEntriesRequest
{
    /// <summary>Paging cursor: the <see cref="LedgerEntriesPage.NextAfter"/> of the previous page (0 for the first).</summary>
    public long After { get; init; }

    /// <summary>Page size, 1..500 (default 100).</summary>
    public int Limit { get; init; } = 100;
    public string? Tenant { get; init; }
    public string? Model { get; init; }
    public string? Route { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
}

/// <summary>One entry as the API returns it (amounts with units in the names).</summary>
public sealed record LedgerEntryDto(
    long Sequence, string Id, DateTimeOffset Timestamp, string NodeId, string Tenant, string Route, string Backend,
    string ModelId, string ModelVersion, long TokensIn, long TokensOut, double LatencyMs, double EnergyWh, string EnergyMethod,
    double EnergyUncertaintyFraction, double IntensityGramsCo2ePerKwh, string IntensitySource, double OperationalGramsCo2e,
    double EmbodiedGramsCo2e, double WaterLiters, double HeatWh, double HeatReusedWh, double SciGramsCo2ePerRequest,
    double? SciGramsCo2ePer1kTokens, string PrevHash, string Hash)
{
    public static LedgerEntryDto From(LedgerEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Sequence, e.EntryId.ToString("N"), e.Timestamp, e.NodeId, e.Tenant, e.Route, e.Backend, e.ModelId, e.ModelVersion,
            e.TokensIn, e.TokensOut, e.LatencyMilliseconds, e.EnergyWattHours, e.EnergyMethod.ToWireName(), e.EnergyUncertaintyFraction,
            e.IntensityGramsCo2ePerKwh, e.IntensitySource, e.OperationalGramsCo2e, e.EmbodiedGramsCo2e, e.WaterLiters, e.HeatWattHours,
            e.HeatReusedWattHours, e.SciGramsCo2ePerRequest, e.SciGramsCo2ePer1kTokens, e.PrevHash, e.Hash);
    }
}

/// <summary>A page of entries; <see cref="NextAfter"/> is null on the last page.</summary>
public sealed record LedgerEntriesPage(IReadOnlyList<LedgerEntryDto> Data, long? NextAfter);

/// <summary>Response of <c>GET /v1/ledger/summary</c>.</summary>
public sealed record LedgerSummaryDto(string GroupBy, IReadOnlyList<ReportRow> Groups, ReportRow Total, CounterfactualModel Counterfactual);

/// <summary>Invalid API query (the HTTP edge maps it to 400 with an OpenAI-style error naming <see cref="Parameter"/>).</summary>
public sealed class LedgerApiException : Exception
{
    public LedgerApiException()
    {
    }

    public LedgerApiException(string message) : base(message)
    {
    }

    public LedgerApiException(string message, Exception inner) : base(message, inner)
    {
    }

    public LedgerApiException(string parameter, string message) : base(message) => Parameter = parameter;

    public string? Parameter { get; }
}

/// <summary>The ledger's HTTP handlers as plain methods; the server maps routes and serialises the DTOs.</summary>
public sealed class LedgerApi
{
    public const int MaxPageSize = 500;
    private readonly ILedgerStore _store;
    private readonly TimeProvider _time;

    public LedgerApi(ILedgerStore store, TimeProvider? time = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? TimeProvider.System;
    }

    /// <summary><c>GET /v1/ledger/entries</c>.</summary>
    public async Task<LedgerEntriesPage> GetEntriesAsync(LedgerEntriesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Limit is < 1 or > MaxPageSize)
        {
            throw new LedgerApiException("limit", $"limit must be between 1 and {MaxPageSize} (got {request.Limit}).");
        }
        if (request.After < 0)
        {
            throw new LedgerApiException("after", "after must not be negative.");
        }
        if (request.From is { } f && request.To is { } t && t <= f)
        {
            throw new LedgerApiException("to", "to must be after from.");
        }
        var rows = await _store.QueryAsync(new LedgerQuery
        {
            AfterSequence = request.After,
            Limit = request.Limit + 1,
            Tenant = request.Tenant,
            ModelId = request.Model,
            Route = request.Route,
            From = request.From,
            To = request.To,
        }, cancellationToken).ConfigureAwait(false);
        var more = rows.Count > request.Limit;
        var page = rows.Take(request.Limit).Select(LedgerEntryDto.From).ToList();
        return new LedgerEntriesPage(page, more ? page[^1].Sequence : null);
    }

    /// <summary><c>GET /v1/ledger/summary?by=model|tenant|day|route&amp;from=&amp;to=</c>.</summary>
    public async Task<LedgerSummaryDto> GetSummaryAsync(string? by, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var grouping = (by ?? "model").ToLowerInvariant() switch
        {
            "model" => ReportGrouping.Model,
            "tenant" => ReportGrouping.Tenant,
            "day" => ReportGrouping.Day,
            "route" => ReportGrouping.Route,
            _ => throw new LedgerApiException("by", $"by must be one of model, tenant, day, route (got '{by}')."),
        };
        var report = await LedgerReportBuilder.BuildAsync(_store, grouping, from, to, null, _time, cancellationToken).ConfigureAwait(false);
        return new LedgerSummaryDto(grouping.ToString().ToLowerInvariant(), report.Rows, report.Total, report.Counterfactual);
    }
}

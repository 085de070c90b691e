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
public sealed record LedgerEntriesPage(IReadOnlyList<LedgerEntryDto> Data, long? NextAfter);

/// <summary>Response of <c>GET /v1/ledger/verify</c>.</summary>
public sealed record LedgerVerificationDto(bool Valid, long EntriesChecked, long CheckpointsChecked, string? Failure, long? FirstBadSequence, string Message);

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
    private readonly Func<CancellationToken, Task>? _flush;
    private readonly LedgerVerifyOptions _verifyOptions;
    private readonly SemaphoreSlim _verifyGate = new(1, 1);

    /// <param name="store">The ledger to read.</param>
    /// <param name="time">Clock for report times.</param>
    /// <param name="flush">Waits until entries queued so far are committed (the writer's flush); lets a lookup by id find an entry just journaled.</param>
    /// <param name="trustedPublicKeys">Keys whose checkpoints verification trusts (the node's own); null accepts each checkpoint's key.</param>
    /// <param name="verifyOptions">The tail and anchor checks of verification (its trusted keys are replaced by <paramref name="trustedPublicKeys"/>); null checks neither.</param>
    public LedgerApi(
        ILedgerStore store, TimeProvider? time = null, Func<CancellationToken, Task>? flush = null, IReadOnlyCollection<string>? trustedPublicKeys = null,
        LedgerVerifyOptions? verifyOptions = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? TimeProvider.System;
        _flush = flush;
        _verifyOptions = (verifyOptions ?? new LedgerVerifyOptions()) with { TrustedPublicKeys = trustedPublicKeys };
    }

    /// <summary>
    /// <c>GET /v1/ledger/entries/{id}</c>: the entry with this id, or null. When it is not committed yet (journal or queued
    /// durability commit in the background) the writer is flushed once and the store asked again.
    /// </summary>
    public async Task<LedgerEntryDto?> GetEntryAsync(string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(id, "N", out var guid) && !Guid.TryParseExact(id, "D", out guid))
        {
            throw new LedgerApiException("id", $"'{(id.Length > 64 ? id[..64] + "…" : id)}' is not an entry id (32 hex digits, as in x-hearth-entry-id).");
        }
        var found = await FindAsync(guid, cancellationToken).ConfigureAwait(false);
        if (found is null && _flush is not null)
        {
            await _flush(cancellationToken).ConfigureAwait(false);
            found = await FindAsync(guid, cancellationToken).ConfigureAwait(false);
        }
        return found is null ? null : LedgerEntryDto.From(found);
    }

    private async Task<LedgerEntry?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        (await _store.QueryAsync(new LedgerQuery { EntryId = id, Limit = 1 }, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>
    /// <c>GET /v1/ledger/verify</c>: walks the whole chain and the signed checkpoints. One verification at a time: returns
    /// null while another is running (the edge answers 429).
    /// </summary>
    public async Task<LedgerVerificationDto?> VerifyAsync(CancellationToken cancellationToken)
    {
        if (!await _verifyGate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        try
        {
            var v = await LedgerVerifier.VerifyWithOptionsAsync(_store, _verifyOptions, cancellationToken).ConfigureAwait(false);
            return new LedgerVerificationDto(v.IsValid, v.EntriesChecked, v.CheckpointsChecked,
                v.IsValid ? null : v.Failure.ToString().ToLowerInvariant(), v.FirstBadSequence, v.Message);
        }
        finally
        {
            _verifyGate.Release();
        }
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

    /// <summary><c>GET /v1/ledger/summary?by=model|tenant|day|route|policy|reason|outcome&amp;from=&amp;to=</c>.</summary>
    public Task<LedgerSummaryDto> GetSummaryAsync(string? by, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken) =>
        GetSummaryAsync(by, from, to, null, cancellationToken);

    /// <summary>As above, over <paramref name="tenant"/>'s entries only when it is set.</summary>
    public async Task<LedgerSummaryDto> GetSummaryAsync(string? by, DateTimeOffset? from, DateTimeOffset? to, string? tenant, CancellationToken cancellationToken)
    {
        if (!ReportGroupings.TryParse(by ?? "model", out var grouping))
        {
            throw new LedgerApiException("by", $"by must be one of {string.Join(", ", ReportGroupings.Names)} (got '{by}').");
        }
        var report = await LedgerReportBuilder.BuildAsync(_store, grouping, from, to, tenant, null, _time, cancellationToken).ConfigureAwait(false);
        return new LedgerSummaryDto(grouping.ToString().ToLowerInvariant(), report.Rows, report.Total, report.Counterfactual);
    }
}

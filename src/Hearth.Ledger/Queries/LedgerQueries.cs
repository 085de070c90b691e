using Hearth.Ledger.Entries;
using Hearth.Ledger.Reports;
using Hearth.Ledger.Store;

namespace Hearth.Ledger.Queries;

/// <summary>A page of entries to read: after a cursor, at most <see cref="Limit"/>, optionally filtered.</summary>
public sealed record LedgerPageRequest
{
    /// <summary>Paging cursor: the <see cref="LedgerPage.NextAfter"/> of the previous page (0 for the first).</summary>
    public long After { get; init; }

    /// <summary>Page size, 1..<see cref="LedgerQueries.MaxPageSize"/> (default 100).</summary>
    public int Limit { get; init; } = 100;
    public string? Tenant { get; init; }
    public string? Model { get; init; }
    public string? Route { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
}

/// <summary>A page of entries in sequence order; <see cref="NextAfter"/> is null on the last page.</summary>
public sealed record LedgerPage(IReadOnlyList<LedgerEntry> Entries, long? NextAfter);

/// <summary>
/// The reads a node serves over its ledger: one entry by id, pages of entries, summaries and verification. Invalid
/// arguments (page size, cursor, time range, grouping) throw <see cref="LedgerQueryException"/> naming the one at fault.
/// Thread-safe; one verification runs at a time.
/// </summary>
public sealed class LedgerQueries
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
    public LedgerQueries(
        ILedgerStore store, TimeProvider? time = null, Func<CancellationToken, Task>? flush = null, IReadOnlyCollection<string>? trustedPublicKeys = null,
        LedgerVerifyOptions? verifyOptions = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? TimeProvider.System;
        _flush = flush;
        _verifyOptions = (verifyOptions ?? new LedgerVerifyOptions()) with { TrustedPublicKeys = trustedPublicKeys };
    }

    /// <summary>
    /// The entry with this id, or null. When it is not committed yet (journal or queued durability commit in the
    /// background) the writer is flushed once and the store asked again.
    /// </summary>
    public async Task<LedgerEntry?> FindEntryAsync(Guid id, CancellationToken cancellationToken)
    {
        var found = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (found is null && _flush is not null)
        {
            await _flush(cancellationToken).ConfigureAwait(false);
            found = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        }
        return found;
    }

    private async Task<LedgerEntry?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        (await _store.QueryAsync(new LedgerQuery { EntryId = id, Limit = 1 }, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>
    /// Walks the whole chain and the signed checkpoints. One verification at a time: returns null while another is running.
    /// </summary>
    public async Task<LedgerVerification?> VerifyAsync(CancellationToken cancellationToken)
    {
        if (!await _verifyGate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        try
        {
            return await LedgerVerifier.VerifyWithOptionsAsync(_store, _verifyOptions, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _verifyGate.Release();
        }
    }

    /// <summary>One page of entries matching <paramref name="request"/>, in sequence order.</summary>
    public async Task<LedgerPage> GetPageAsync(LedgerPageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Limit is < 1 or > MaxPageSize)
        {
            throw new LedgerQueryException("limit", $"limit must be between 1 and {MaxPageSize} (got {request.Limit}).");
        }
        if (request.After < 0)
        {
            throw new LedgerQueryException("after", "after must not be negative.");
        }
        if (request.From is { } f && request.To is { } t && t <= f)
        {
            throw new LedgerQueryException("to", "to must be after from.");
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
        var page = rows.Take(request.Limit).ToList();
        return new LedgerPage(page, more ? page[^1].Sequence : null);
    }

    /// <summary>A summary grouped <paramref name="by"/> model (default), tenant, day, route, policy, reason or outcome.</summary>
    public Task<LedgerReport> GetSummaryAsync(string? by, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken) =>
        GetSummaryAsync(by, from, to, null, cancellationToken);

    /// <summary>As above, over <paramref name="tenant"/>'s entries only when it is set.</summary>
    public async Task<LedgerReport> GetSummaryAsync(string? by, DateTimeOffset? from, DateTimeOffset? to, string? tenant, CancellationToken cancellationToken)
    {
        if (!ReportGroupings.TryParse(by ?? "model", out var grouping))
        {
            throw new LedgerQueryException("by", $"by must be one of {string.Join(", ", ReportGroupings.Names)} (got '{by}').");
        }
        return await LedgerReportBuilder.BuildAsync(_store, grouping, from, to, tenant, null, _time, cancellationToken).ConfigureAwait(false);
    }
}

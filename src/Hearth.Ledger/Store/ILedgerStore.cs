using Hearth.Ledger.Entries;

namespace Hearth.Ledger.Store;

/// <summary>
/// Durable, append-only, hash-chained storage of ledger entries. One schema for every implementation
/// (see <see cref="LedgerSchema"/>); migrations run in <see cref="MigrateAsync"/>.
/// </summary>
/// <remarks>
/// Thread safety: implementations accept concurrent calls; appends from several processes (PostgreSQL replicas) are
/// serialised by the store (a transaction-scoped lock) so the chain stays linear. Callers on a request path should go
/// through <see cref="LedgerWriter"/>, which batches appends.
/// </remarks>
public interface ILedgerStore : IAsyncDisposable
{
    /// <summary>Human description, e.g. <c>sqlite:/var/lib/hearth/ledger.db</c> (no secrets).</summary>
    string Description { get; }

    /// <summary>Creates or upgrades the schema to the current version.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="entries"/> atomically, in order, after the current head: assigns sequence numbers,
    /// previous hashes and hashes. Returns the sealed entries once committed.
    /// </summary>
    Task<IReadOnlyList<LedgerEntry>> AppendBatchAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken);

    /// <summary>The last entry's sequence and hash (0 and the genesis hash for an empty ledger).</summary>
    Task<ChainHead> GetHeadAsync(CancellationToken cancellationToken);

    /// <summary>Entries matching <paramref name="query"/>, ordered by sequence, as stored (nothing recomputed).</summary>
    Task<IReadOnlyList<LedgerEntry>> QueryAsync(LedgerQuery query, CancellationToken cancellationToken);

    /// <summary>Records a signed checkpoint; false (nothing written) when one already exists at that sequence.</summary>
    Task<bool> AppendCheckpointAsync(LedgerCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>Every checkpoint, ordered by sequence.</summary>
    Task<IReadOnlyList<LedgerCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken);
}

/// <summary>The chain's last link.</summary>
public readonly record struct ChainHead(long Sequence, string Hash);

/// <summary>A filter over entries; every field optional. Results are ordered by sequence, at most <see cref="Limit"/>.</summary>
public sealed record LedgerQuery
{
    /// <summary>Only entries with a sequence greater than this (paging cursor).</summary>
    public long AfterSequence { get; init; }
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound.</summary>
    public DateTimeOffset? To { get; init; }
    public string? Tenant { get; init; }
    public string? ModelId { get; init; }
    public string? Route { get; init; }

    /// <summary>Only the entry with this id (there is at most one per request).</summary>
    public Guid? EntryId { get; init; }
    public int Limit { get; init; } = 1000;
}

/// <summary>
/// A signed statement that the chain's entry <see cref="Sequence"/> had hash <see cref="Hash"/>. Version 2 (chained)
/// also signs <see cref="EntryCount"/> (entries covered, = <see cref="Sequence"/>) and <see cref="PreviousCheckpointHash"/>
/// (the <see cref="CheckpointChain.HashOf"/> of the same node's previous checkpoint, or the genesis hash for its first), so
/// deleting a checkpoint breaks the next one. Version 1 (legacy, before chaining) signs neither.
/// </summary>
public sealed record LedgerCheckpoint(
    long Sequence,
    string Hash,
    DateTimeOffset Timestamp,
    string NodeId,
    string PublicKeySpkiBase64,
    string SignatureBase64,
    int Version = CheckpointChain.LegacyVersion,
    string PreviousCheckpointHash = "",
    long EntryCount = 0);

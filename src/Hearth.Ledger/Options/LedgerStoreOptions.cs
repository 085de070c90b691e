namespace Hearth.Ledger.Options;

/// <summary>Which store keeps the ledger.</summary>
public enum LedgerStoreKind
{
    /// <summary>A local SQLite file in WAL mode (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database shared by several gateway replicas.</summary>
    Postgres,
}

/// <summary>What an append waits for before it returns.</summary>
public enum LedgerDurability
{
    /// <summary>The caller awaits the commit of the batch holding its entry (group commit): survives kill -9.</summary>
    GroupCommit,

    /// <summary>The caller returns once the entry is queued; a crash may lose the queued tail.</summary>
    Queued,

    /// <summary>
    /// The caller returns once the entry is written to the local journal (one pwrite to the page cache, no fsync):
    /// survives kill -9 of the node, not a power loss; the store catches up from the journal at restart.
    /// </summary>
    Journal,
}

/// <summary>Store settings.</summary>
public sealed record LedgerStoreOptions
{
    public LedgerStoreKind Kind { get; init; } = LedgerStoreKind.Sqlite;

    /// <summary>SQLite: the database file path. PostgreSQL: an Npgsql connection string.</summary>
    public string Connection { get; init; } = "hearth-ledger.db";

    /// <summary>PostgreSQL schema holding the tables (one per ledger; tests use a unique one each).</summary>
    public string Schema { get; init; } = "hearth_ledger";

    /// <summary>Folder holding the node's signing key (<c>node-key.pem</c>); defaults to the SQLite file's folder or the current one.</summary>
    public string? KeyFolder { get; init; }

    /// <summary>
    /// What a request waits for. Default <see cref="LedgerDurability.Journal"/>: it meets both the kill -9 guarantee and the
    /// ≤ 50 µs critical-path budget (docs/ledger.md, "Batching and durability").
    /// </summary>
    public LedgerDurability Durability { get; init; } = LedgerDurability.Journal;

    /// <summary>Largest number of entries written in one transaction.</summary>
    public int MaxBatchEntries { get; init; } = 2048;

    /// <summary>
    /// Journal durability only: after the first queued entry the writer waits this long for more before committing, so a
    /// steady load makes one transaction (one fsync) per interval instead of one per request — each request is already safe in
    /// the journal. 0 commits as soon as anything is queued. Group commit never waits (its callers wait for the commit).
    /// </summary>
    public int JournalBatchLingerMilliseconds { get; init; } = 10;

    /// <summary>A signed checkpoint is written every this many entries.</summary>
    public int CheckpointEveryEntries { get; init; } = 1000;

    /// <summary>SQLite only: <c>FULL</c> (fsync each commit, survives power loss) or <c>NORMAL</c> (survives process kill).</summary>
    public string SqliteSynchronous { get; init; } = "FULL";

    internal void Validate(List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(Connection))
        {
            errors.Add("Store.Connection: must name a SQLite file or a PostgreSQL connection string.");
        }
        if (Kind == LedgerStoreKind.Postgres && !IsIdentifier(Schema))
        {
            errors.Add($"Store.Schema: '{Schema}' must be a lower-case identifier ([a-z_][a-z0-9_]*, ≤ 63 chars).");
        }
        if (MaxBatchEntries is < 1 or > 100_000)
        {
            errors.Add($"Store.MaxBatchEntries: {MaxBatchEntries} is outside [1, 100000].");
        }
        if (JournalBatchLingerMilliseconds is < 0 or > 10_000)
        {
            errors.Add($"Store.JournalBatchLingerMilliseconds: {JournalBatchLingerMilliseconds} is outside [0, 10000].");
        }
        if (CheckpointEveryEntries is < 1)
        {
            errors.Add("Store.CheckpointEveryEntries: must be at least 1.");
        }
        if (SqliteSynchronous is not ("FULL" or "NORMAL"))
        {
            errors.Add($"Store.SqliteSynchronous: '{SqliteSynchronous}' must be FULL or NORMAL.");
        }
    }

    internal static bool IsIdentifier(string s) =>
        s.Length is > 0 and <= 63 && (char.IsAsciiLetterLower(s[0]) || s[0] == '_') &&
        s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}

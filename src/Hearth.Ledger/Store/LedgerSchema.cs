namespace Hearth.Ledger.Store;

/// <summary>
/// The one ledger schema, shared by SQLite and PostgreSQL. Columns hold amounts as IEEE-754 doubles, times as
/// microseconds since the Unix epoch, hashes as lower-case hex. Migrations are numbered; the current version is the
/// count of <see cref="Migrations"/>. Never edit a published migration: append one.
/// </summary>
/// <remarks>
/// Migration 2 adds <c>encoding_version</c> (default 1: rows written before it were hashed with encoding version 1),
/// <c>reason</c>, <c>policy</c> (default empty) and <c>outcome</c> (default <c>ok</c>), and an index on <c>entry_id</c>.
/// Migration 3 adds the checkpoint chain: <c>version</c> (default 1: checkpoints written before it are unchained),
/// <c>prev_checkpoint_hash</c> and <c>entry_count</c> (see <see cref="CheckpointChain"/>).
/// </remarks>
internal static class LedgerSchema
{
    /// <summary>Entry columns in canonical order (the order inserts and selects use).</summary>
    public static readonly string[] EntryColumns =
    [
        "seq", "entry_id", "ts_us", "node_id", "tenant", "api_key_id", "route", "backend", "model_id", "model_version",
        "tokens_in", "tokens_out", "latency_ms", "cpu_seconds", "energy_wh", "energy_method", "energy_uncertainty",
        "intensity_g_per_kwh", "intensity_source", "zone", "operational_g", "embodied_g", "water_l", "heat_wh",
        "heat_reused_wh", "sci_g_per_request", "sci_g_per_1k_tokens", "prev_hash", "hash",
        "encoding_version", "reason", "policy", "outcome",
    ];

    public static readonly string EntryColumnList = string.Join(", ", EntryColumns);

    /// <summary>Migration steps; <c>{0}</c> is the table-name prefix (empty for SQLite, <c>schema.</c> for PostgreSQL).</summary>
    public static IReadOnlyList<string> Migrations(bool postgres)
    {
        var i64 = postgres ? "BIGINT" : "INTEGER";
        var f64 = postgres ? "DOUBLE PRECISION" : "REAL";
        return
        [
            $$"""
            CREATE TABLE {0}ledger_entries (
              seq {{i64}} PRIMARY KEY,
              entry_id TEXT NOT NULL,
              ts_us {{i64}} NOT NULL,
              node_id TEXT NOT NULL,
              tenant TEXT NOT NULL,
              api_key_id TEXT NOT NULL,
              route TEXT NOT NULL,
              backend TEXT NOT NULL,
              model_id TEXT NOT NULL,
              model_version TEXT NOT NULL,
              tokens_in {{i64}} NOT NULL,
              tokens_out {{i64}} NOT NULL,
              latency_ms {{f64}} NOT NULL,
              cpu_seconds {{f64}} NOT NULL,
              energy_wh {{f64}} NOT NULL,
              energy_method TEXT NOT NULL,
              energy_uncertainty {{f64}} NOT NULL,
              intensity_g_per_kwh {{f64}} NOT NULL,
              intensity_source TEXT NOT NULL,
              zone TEXT NOT NULL,
              operational_g {{f64}} NOT NULL,
              embodied_g {{f64}} NOT NULL,
              water_l {{f64}} NOT NULL,
              heat_wh {{f64}} NOT NULL,
              heat_reused_wh {{f64}} NOT NULL,
              sci_g_per_request {{f64}} NOT NULL,
              sci_g_per_1k_tokens {{f64}} NULL,
              prev_hash TEXT NOT NULL,
              hash TEXT NOT NULL
            );
            CREATE INDEX ledger_entries_ts ON {0}ledger_entries (ts_us);
            CREATE TABLE {0}ledger_checkpoints (
              seq {{i64}} PRIMARY KEY,
              hash TEXT NOT NULL,
              ts_us {{i64}} NOT NULL,
              node_id TEXT NOT NULL,
              public_key TEXT NOT NULL,
              signature TEXT NOT NULL
            );
            """,
            $$"""
            ALTER TABLE {0}ledger_entries ADD COLUMN encoding_version {{i64}} NOT NULL DEFAULT 1;
            ALTER TABLE {0}ledger_entries ADD COLUMN reason TEXT NOT NULL DEFAULT '';
            ALTER TABLE {0}ledger_entries ADD COLUMN policy TEXT NOT NULL DEFAULT '';
            ALTER TABLE {0}ledger_entries ADD COLUMN outcome TEXT NOT NULL DEFAULT 'ok';
            CREATE INDEX ledger_entries_entry_id ON {0}ledger_entries (entry_id);
            """,
            $$"""
            ALTER TABLE {0}ledger_checkpoints ADD COLUMN version {{i64}} NOT NULL DEFAULT 1;
            ALTER TABLE {0}ledger_checkpoints ADD COLUMN prev_checkpoint_hash TEXT NOT NULL DEFAULT '';
            ALTER TABLE {0}ledger_checkpoints ADD COLUMN entry_count {{i64}} NOT NULL DEFAULT 0;
            """,
        ];
    }
}

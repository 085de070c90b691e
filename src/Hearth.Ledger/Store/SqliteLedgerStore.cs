using System.Data.Common;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Options;
using Microsoft.Data.Sqlite;

namespace Hearth.Ledger.Store;

/// <summary>
/// The default store: one SQLite file in WAL mode. Appends run in <c>BEGIN IMMEDIATE</c> transactions (the database's
/// write lock serialises writers, including other processes); <c>synchronous=FULL</c> by default fsyncs the WAL at each
/// commit, so a committed batch survives power loss, and certainly <c>kill -9</c>.
/// </summary>
public sealed class SqliteLedgerStore : SqlLedgerStoreBase
{
    private readonly string _connectionString;
    private readonly string _path;
    private readonly string _synchronous;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private SqliteConnection? _writer;

    /// <summary>Opens (and creates when missing) the ledger at <paramref name="path"/>.</summary>
    public SqliteLedgerStore(string path, string synchronous = "FULL")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
        _synchronous = synchronous is "FULL" or "NORMAL" ? synchronous
            : throw new LedgerConfigurationException($"Store.SqliteSynchronous: '{synchronous}' must be FULL or NORMAL.");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Creates the store described by <paramref name="options"/>.</summary>
    public SqliteLedgerStore(LedgerStoreOptions options) : this(options?.Connection ?? throw new ArgumentNullException(nameof(options)), options.SqliteSynchronous)
    {
    }

    public override string Description => "sqlite:" + _path;

    /// <summary>The database file.</summary>
    public string FilePath => _path;

    protected override string TablePrefix => "";

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var c = new SqliteConnection(_connectionString);
        await c.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "PRAGMA busy_timeout=30000;";
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return c;
    }

    public override async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var dir = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        await using var conn = (SqliteConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "PRAGMA journal_mode=WAL;";
            var mode = (string?)await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new LedgerStoreException($"{Description}: could not switch to WAL journal mode (got '{mode}').");
            }
        }
        await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "CREATE TABLE IF NOT EXISTS ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)";
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            cmd.CommandText = "SELECT value FROM ledger_meta WHERE key = 'schema_version'";
            var version = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : 0;
            var migrations = LedgerSchema.Migrations(postgres: false);
            if (version > migrations.Count)
            {
                throw new LedgerStoreException($"{Description}: schema version {version} is newer than this build knows ({migrations.Count}).");
            }
            for (var i = version; i < migrations.Count; i++)
            {
                cmd.CommandText = string.Format(System.Globalization.CultureInfo.InvariantCulture, migrations[i], "");
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            cmd.CommandText = "INSERT INTO ledger_meta (key, value) VALUES ('schema_version', @v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
            cmd.Parameters.AddWithValue("@v", migrations.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task<IReadOnlyList<LedgerEntry>> AppendBatchAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return [];
        }
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var conn = await WriterAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = conn.BeginTransaction(deferred: false);
            await using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            var head = await ReadHeadAsync(cmd, cancellationToken).ConfigureAwait(false);
            var sealedEntries = Seal(entries, head);
            cmd.CommandText = InsertSql;
            cmd.Parameters.Clear();
            var ps = new SqliteParameter[LedgerSchema.EntryColumns.Length];
            for (var i = 0; i < ps.Length; i++)
            {
                ps[i] = new SqliteParameter { ParameterName = "@" + LedgerSchema.EntryColumns[i] };
                cmd.Parameters.Add(ps[i]);
            }
            cmd.Prepare();
            foreach (var e in sealedEntries)
            {
                var values = Values(e);
                for (var i = 0; i < ps.Length; i++)
                {
                    ps[i].Value = values[i] ?? DBNull.Value;
                }
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
            return sealedEntries;
        }
        catch (SqliteException ex)
        {
            _writer?.Dispose();
            _writer = null;
            throw new LedgerStoreException($"{Description}: append of {entries.Count} entries failed: {ex.Message}", ex);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static readonly string InsertSql =
        $"INSERT INTO ledger_entries ({LedgerSchema.EntryColumnList}) VALUES ({string.Join(", ", LedgerSchema.EntryColumns.Select(c => "@" + c))})";

    public override async Task<bool> AppendCheckpointAsync(LedgerCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = conn.CreateCommand();
        AddCheckpointInsert(cmd, checkpoint, "INSERT OR IGNORE", "");
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private async ValueTask<SqliteConnection> WriterAsync(CancellationToken cancellationToken)
    {
        if (_writer is { } w)
        {
            return w;
        }
        var c = (SqliteConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={_synchronous};";
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        _writer = c;
        return c;
    }

    public override async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_writer is { } w)
            {
                await w.DisposeAsync().ConfigureAwait(false);
                _writer = null;
            }
        }
        finally
        {
            _writeGate.Release();
        }
        _writeGate.Dispose();
    }
}

/// <summary>A store operation failed (names the store and the operation).</summary>
public sealed class LedgerStoreException : Exception
{
    public LedgerStoreException()
    {
    }

    public LedgerStoreException(string message) : base(message)
    {
    }

    public LedgerStoreException(string message, Exception inner) : base(message, inner)
    {
    }
}

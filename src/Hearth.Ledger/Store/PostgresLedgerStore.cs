using System.Data.Common;
using System.Globalization;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Options;
using Npgsql;
using NpgsqlTypes;

namespace Hearth.Ledger.Store;

/// <summary>
/// PostgreSQL store for several gateway replicas sharing one ledger. Each append batch runs in one transaction that
/// takes a transaction-scoped advisory lock (so replicas extend the chain one at a time), reads the head, and writes
/// the batch with binary <c>COPY</c>. PostgreSQL's default <c>synchronous_commit=on</c> makes a commit durable.
/// </summary>
public sealed class PostgresLedgerStore : SqlLedgerStoreBase
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly long _lockKey;

    /// <summary>Connects with <paramref name="connectionString"/>; tables live in <paramref name="schema"/>.</summary>
    public PostgresLedgerStore(string connectionString, string schema = "hearth_ledger")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        if (!LedgerStoreOptions.IsIdentifier(schema))
        {
            throw new LedgerConfigurationException($"Store.Schema: '{schema}' must be a lower-case identifier ([a-z_][a-z0-9_]*, ≤ 63 chars).");
        }
        _schema = schema;
        _dataSource = NpgsqlDataSource.Create(connectionString);
        // A stable 64-bit lock key per schema (FNV-1a), so replicas of one ledger contend and different ledgers do not.
        var h = 14695981039346656037UL;
        foreach (var c in "hearth-ledger:" + schema)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        _lockKey = unchecked((long)h);
    }

    /// <summary>Creates the store described by <paramref name="options"/>.</summary>
    public PostgresLedgerStore(LedgerStoreOptions options) : this(options?.Connection ?? throw new ArgumentNullException(nameof(options)), options.Schema)
    {
    }

    public override string Description
    {
        get
        {
            var b = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            return $"postgres://{b.Host}:{b.Port}/{b.Database}#{_schema}";
        }
    }

    /// <summary>The schema holding this ledger's tables.</summary>
    public string Schema => _schema;

    protected override string TablePrefix => _schema + ".";

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT pg_advisory_xact_lock({_lockKey}); CREATE SCHEMA IF NOT EXISTS {_schema}; " +
                          $"CREATE TABLE IF NOT EXISTS {_schema}.ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);";
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        cmd.CommandText = $"SELECT value FROM {_schema}.ledger_meta WHERE key = 'schema_version'";
        var version = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string v ? int.Parse(v, CultureInfo.InvariantCulture) : 0;
        var migrations = LedgerSchema.Migrations(postgres: true);
        if (version > migrations.Count)
        {
            throw new LedgerStoreException($"{Description}: schema version {version} is newer than this build knows ({migrations.Count}).");
        }
        for (var i = version; i < migrations.Count; i++)
        {
            cmd.CommandText = string.Format(CultureInfo.InvariantCulture, migrations[i], _schema + ".");
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        cmd.CommandText = $"INSERT INTO {_schema}.ledger_meta (key, value) VALUES ('schema_version', @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        cmd.Parameters.AddWithValue("v", migrations.Count.ToString(CultureInfo.InvariantCulture));
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task<IReadOnlyList<LedgerEntry>> AppendBatchAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return [];
        }
        try
        {
            await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            List<LedgerEntry> sealedEntries;
            await using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = $"SELECT pg_advisory_xact_lock({_lockKey})";
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                var head = await ReadHeadAsync(cmd, cancellationToken).ConfigureAwait(false);
                sealedEntries = Seal(entries, head);
            }
            await using (var copy = await conn.BeginBinaryImportAsync(
                $"COPY {_schema}.ledger_entries ({LedgerSchema.EntryColumnList}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
            {
                foreach (var e in sealedEntries)
                {
                    WriteRow(copy, e);
                }
                await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return sealedEntries;
        }
        catch (NpgsqlException ex)
        {
            throw new LedgerStoreException($"{Description}: append of {entries.Count} entries failed: {ex.Message}", ex);
        }
    }

    // Synchronous writes: the importer buffers rows in memory and flushes in large chunks, so per-field awaits only add overhead.
    private static void WriteRow(NpgsqlBinaryImporter copy, LedgerEntry e)
    {
        copy.StartRow();
        copy.Write(e.Sequence, NpgsqlDbType.Bigint);
        copy.Write(e.EntryId.ToString("N"), NpgsqlDbType.Text);
        copy.Write(LedgerHash.ToUnixMicroseconds(e.Timestamp), NpgsqlDbType.Bigint);
        copy.Write(e.NodeId, NpgsqlDbType.Text);
        copy.Write(e.Tenant, NpgsqlDbType.Text);
        copy.Write(e.ApiKeyId, NpgsqlDbType.Text);
        copy.Write(e.Route, NpgsqlDbType.Text);
        copy.Write(e.Backend, NpgsqlDbType.Text);
        copy.Write(e.ModelId, NpgsqlDbType.Text);
        copy.Write(e.ModelVersion, NpgsqlDbType.Text);
        copy.Write(e.TokensIn, NpgsqlDbType.Bigint);
        copy.Write(e.TokensOut, NpgsqlDbType.Bigint);
        copy.Write(e.LatencyMilliseconds, NpgsqlDbType.Double);
        copy.Write(e.CpuSeconds, NpgsqlDbType.Double);
        copy.Write(e.EnergyWattHours, NpgsqlDbType.Double);
        copy.Write(e.EnergyMethod.ToWireName(), NpgsqlDbType.Text);
        copy.Write(e.EnergyUncertaintyFraction, NpgsqlDbType.Double);
        copy.Write(e.IntensityGramsCo2ePerKwh, NpgsqlDbType.Double);
        copy.Write(e.IntensitySource, NpgsqlDbType.Text);
        copy.Write(e.Zone, NpgsqlDbType.Text);
        copy.Write(e.OperationalGramsCo2e, NpgsqlDbType.Double);
        copy.Write(e.EmbodiedGramsCo2e, NpgsqlDbType.Double);
        copy.Write(e.WaterLiters, NpgsqlDbType.Double);
        copy.Write(e.HeatWattHours, NpgsqlDbType.Double);
        copy.Write(e.HeatReusedWattHours, NpgsqlDbType.Double);
        copy.Write(e.SciGramsCo2ePerRequest, NpgsqlDbType.Double);
        if (e.SciGramsCo2ePer1kTokens is { } sci)
        {
            copy.Write(sci, NpgsqlDbType.Double);
        }
        else
        {
            copy.WriteNull();
        }
        copy.Write(e.PrevHash, NpgsqlDbType.Text);
        copy.Write(e.Hash, NpgsqlDbType.Text);
        copy.Write((long)e.EncodingVersion, NpgsqlDbType.Bigint);
        copy.Write(e.Reason, NpgsqlDbType.Text);
        copy.Write(e.Policy, NpgsqlDbType.Text);
        copy.Write(e.Outcome.ToWireName(), NpgsqlDbType.Text);
    }

    public override async Task<bool> AppendCheckpointAsync(LedgerCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = conn.CreateCommand();
        AddCheckpointInsert(cmd, checkpoint, "INSERT", " ON CONFLICT (seq) DO NOTHING");
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}

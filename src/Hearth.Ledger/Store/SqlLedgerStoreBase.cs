using System.Data.Common;
using System.Globalization;
using System.Text;
using Hearth.Ledger.Entries;

namespace Hearth.Ledger.Store;

/// <summary>Reads, queries and checkpoints shared by the ADO.NET stores; appends and migrations are per dialect.</summary>
public abstract class SqlLedgerStoreBase : ILedgerStore
{
    /// <summary>Prefix before table names: empty for SQLite, <c>schema.</c> for PostgreSQL.</summary>
    protected abstract string TablePrefix { get; }

    public abstract string Description { get; }

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    public abstract Task MigrateAsync(CancellationToken cancellationToken);

    public abstract Task<IReadOnlyList<LedgerEntry>> AppendBatchAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken);

    public abstract Task<bool> AppendCheckpointAsync(LedgerCheckpoint checkpoint, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    public async Task<ChainHead> GetHeadAsync(CancellationToken cancellationToken)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = conn.CreateCommand();
        return await ReadHeadAsync(cmd, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the head with <paramref name="cmd"/> (which may be bound to an open transaction).</summary>
    protected async Task<ChainHead> ReadHeadAsync(DbCommand cmd, CancellationToken cancellationToken)
    {
        cmd.CommandText = $"SELECT seq, hash FROM {TablePrefix}ledger_entries ORDER BY seq DESC LIMIT 1";
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await r.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new ChainHead(r.GetInt64(0), r.GetString(1))
            : new ChainHead(0, LedgerHash.Genesis);
    }

    /// <summary>Seals <paramref name="entries"/> after <paramref name="head"/>: sequence, previous hash, hash.</summary>
    protected static List<LedgerEntry> Seal(IReadOnlyList<LedgerEntry> entries, ChainHead head)
    {
        var sealedEntries = new List<LedgerEntry>(entries.Count);
        var seq = head.Sequence;
        var prev = head.Hash;
        foreach (var e in entries)
        {
            seq++;
            // New entries are always sealed with the current encoding (a draft cannot pick an old one).
            var draft = e.EncodingVersion == LedgerHash.CurrentEncodingVersion ? e : e with { EncodingVersion = LedgerHash.CurrentEncodingVersion };
            // The hash covers the timestamp in whole microseconds, which is what the stores keep.
            var hash = LedgerHash.Compute(draft, seq, prev);
            var s = draft with { Sequence = seq, PrevHash = prev, Timestamp = LedgerHash.TruncateToMicroseconds(e.Timestamp), Hash = hash };
            prev = s.Hash;
            sealedEntries.Add(s);
        }
        return sealedEntries;
    }

    public async Task<IReadOnlyList<LedgerEntry>> QueryAsync(LedgerQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = conn.CreateCommand();
        var sql = new StringBuilder($"SELECT {LedgerSchema.EntryColumnList} FROM {TablePrefix}ledger_entries WHERE seq > @after");
        Add(cmd, "@after", query.AfterSequence);
        if (query.From is { } from)
        {
            sql.Append(" AND ts_us >= @from");
            Add(cmd, "@from", LedgerHash.ToUnixMicroseconds(from));
        }
        if (query.To is { } to)
        {
            sql.Append(" AND ts_us < @to");
            Add(cmd, "@to", LedgerHash.ToUnixMicroseconds(to));
        }
        if (query.Tenant is { } tenant)
        {
            sql.Append(" AND tenant = @tenant");
            Add(cmd, "@tenant", tenant);
        }
        if (query.ModelId is { } model)
        {
            sql.Append(" AND model_id = @model");
            Add(cmd, "@model", model);
        }
        if (query.Route is { } route)
        {
            sql.Append(" AND route = @route");
            Add(cmd, "@route", route);
        }
        if (query.EntryId is { } entryId)
        {
            sql.Append(" AND entry_id = @entry_id");
            Add(cmd, "@entry_id", entryId.ToString("N"));
        }
        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY seq LIMIT {Math.Clamp(query.Limit, 1, 1_000_000)}");
        cmd.CommandText = sql.ToString();
        var list = new List<LedgerEntry>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(ReadEntry(r));
        }
        return list;
    }

    public async Task<IReadOnlyList<LedgerCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT {CheckpointColumnList} FROM {TablePrefix}ledger_checkpoints ORDER BY seq";
        var list = new List<LedgerCheckpoint>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new LedgerCheckpoint(
                r.GetInt64(0), r.GetString(1), LedgerHash.FromUnixMicroseconds(r.GetInt64(2)), r.GetString(3), r.GetString(4), r.GetString(5),
                checked((int)r.GetInt64(6)), r.GetString(7), r.GetInt64(8)));
        }
        return list;
    }

    /// <summary>Checkpoint columns in the order <see cref="ReadCheckpointsAsync"/> and <see cref="AddCheckpointInsert"/> use.</summary>
    protected const string CheckpointColumnList = "seq, hash, ts_us, node_id, public_key, signature, version, prev_checkpoint_hash, entry_count";

    /// <summary>
    /// Sets <paramref name="cmd"/> to insert <paramref name="checkpoint"/>; <paramref name="insertVerb"/> and
    /// <paramref name="conflictSuffix"/> are the dialect's way to do nothing when a checkpoint exists at that sequence.
    /// </summary>
    protected void AddCheckpointInsert(DbCommand cmd, LedgerCheckpoint checkpoint, string insertVerb, string conflictSuffix)
    {
        ArgumentNullException.ThrowIfNull(cmd);
        ArgumentNullException.ThrowIfNull(checkpoint);
        cmd.CommandText = $"{insertVerb} INTO {TablePrefix}ledger_checkpoints ({CheckpointColumnList}) VALUES (@s, @h, @t, @n, @k, @g, @v, @p, @c){conflictSuffix}";
        Add(cmd, "@s", checkpoint.Sequence);
        Add(cmd, "@h", checkpoint.Hash);
        Add(cmd, "@t", LedgerHash.ToUnixMicroseconds(checkpoint.Timestamp));
        Add(cmd, "@n", checkpoint.NodeId);
        Add(cmd, "@k", checkpoint.PublicKeySpkiBase64);
        Add(cmd, "@g", checkpoint.SignatureBase64);
        Add(cmd, "@v", (long)checkpoint.Version);
        Add(cmd, "@p", checkpoint.PreviousCheckpointHash);
        Add(cmd, "@c", checkpoint.EntryCount);
    }

    /// <summary>Maps a row selected with <see cref="LedgerSchema.EntryColumnList"/>.</summary>
    protected static LedgerEntry ReadEntry(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var seq = r.GetInt64(0);
        var idText = r.GetString(1);
        if (!Guid.TryParseExact(idText, "N", out var id) && !Guid.TryParse(idText, out id))
        {
            throw new LedgerFormatException($"Ledger row seq {seq}: entry_id '{idText}' is not a GUID.");
        }
        EnergyMethod method;
        RequestOutcome outcome;
        try
        {
            method = EnergyMethodNames.Parse(r.GetString(15));
            outcome = RequestOutcomeNames.Parse(r.GetString(32));
        }
        catch (FormatException ex)
        {
            throw new LedgerFormatException($"Ledger row seq {seq}: {ex.Message}", ex);
        }
        return new LedgerEntry
        {
            Sequence = seq,
            EntryId = id,
            Timestamp = LedgerHash.FromUnixMicroseconds(r.GetInt64(2)),
            NodeId = r.GetString(3),
            Tenant = r.GetString(4),
            ApiKeyId = r.GetString(5),
            Route = r.GetString(6),
            Backend = r.GetString(7),
            ModelId = r.GetString(8),
            ModelVersion = r.GetString(9),
            TokensIn = r.GetInt64(10),
            TokensOut = r.GetInt64(11),
            LatencyMilliseconds = r.GetDouble(12),
            CpuSeconds = r.GetDouble(13),
            EnergyWattHours = r.GetDouble(14),
            EnergyMethod = method,
            EnergyUncertaintyFraction = r.GetDouble(16),
            IntensityGramsCo2ePerKwh = r.GetDouble(17),
            IntensitySource = r.GetString(18),
            Zone = r.GetString(19),
            OperationalGramsCo2e = r.GetDouble(20),
            EmbodiedGramsCo2e = r.GetDouble(21),
            WaterLiters = r.GetDouble(22),
            HeatWattHours = r.GetDouble(23),
            HeatReusedWattHours = r.GetDouble(24),
            SciGramsCo2ePerRequest = r.GetDouble(25),
            SciGramsCo2ePer1kTokens = r.IsDBNull(26) ? null : r.GetDouble(26),
            PrevHash = r.GetString(27),
            Hash = r.GetString(28),
            EncodingVersion = checked((int)r.GetInt64(29)),
            Reason = r.GetString(30),
            Policy = r.GetString(31),
            Outcome = outcome,
        };
    }

    /// <summary>The values of an entry in <see cref="LedgerSchema.EntryColumns"/> order.</summary>
    protected static object?[] Values(LedgerEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return
        [
            e.Sequence, e.EntryId.ToString("N"), LedgerHash.ToUnixMicroseconds(e.Timestamp), e.NodeId, e.Tenant, e.ApiKeyId,
            e.Route, e.Backend, e.ModelId, e.ModelVersion, e.TokensIn, e.TokensOut, e.LatencyMilliseconds, e.CpuSeconds,
            e.EnergyWattHours, e.EnergyMethod.ToWireName(), e.EnergyUncertaintyFraction, e.IntensityGramsCo2ePerKwh,
            e.IntensitySource, e.Zone, e.OperationalGramsCo2e, e.EmbodiedGramsCo2e, e.WaterLiters, e.HeatWattHours,
            e.HeatReusedWattHours, e.SciGramsCo2ePerRequest, e.SciGramsCo2ePer1kTokens, e.PrevHash, e.Hash,
            (long)e.EncodingVersion, e.Reason, e.Policy, e.Outcome.ToWireName(),
        ];
    }

    protected static void Add(DbCommand cmd, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(cmd);
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
    }
}

/// <summary>A stored row could not be read back as a ledger entry (names the row and the field).</summary>
public sealed class LedgerFormatException : Exception
{
    public LedgerFormatException()
    {
    }

    public LedgerFormatException(string message) : base(message)
    {
    }

    public LedgerFormatException(string message, Exception inner) : base(message, inner)
    {
    }
}

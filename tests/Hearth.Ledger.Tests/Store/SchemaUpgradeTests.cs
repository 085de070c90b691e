using Hearth.Ledger.Entries;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;
using Hearth.TestSupport;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Hearth.Ledger.Tests.Store;

/// <summary>
/// Upgrading a ledger written by the build before encoding version 2 (Data/ledger-v1.db: 7 entries, checkpoints at 3, 6
/// and 7, written by that build): the migration keeps every row, old hashes keep verifying, new entries carry reason,
/// policy and outcome, and tampering with an old entry is still caught.
/// </summary>
public class SchemaUpgradeTests
{
    private static string V1Fixture => Path.Combine(AppContext.BaseDirectory, "Data", "ledger-v1.db");

    [Fact]
    public async Task Migrate_SqliteV1Ledger_OldEntriesVerifyAndNewOnesCarryReason()
    {
        using var dir = new TempDir("hearth-upgrade-");
        var db = dir.File("ledger.db");
        File.Copy(V1Fixture, db);
        await using var store = new SqliteLedgerStore(db);
        await store.MigrateAsync(CancellationToken.None);
        await store.MigrateAsync(CancellationToken.None); // idempotent

        var old = await store.QueryAsync(new LedgerQuery(), CancellationToken.None);
        Assert.Equal(7, old.Count);
        Assert.All(old, e => Assert.Equal((1, "", "", RequestOutcome.Ok), (e.EncodingVersion, e.Reason, e.Policy, e.Outcome)));
        var before = await LedgerVerifier.VerifyAsync(store, null, CancellationToken.None);
        Assert.True(before.IsValid, before.Message);
        Assert.Equal((7L, 3L), (before.EntriesChecked, before.CheckpointsChecked));

        await store.AppendBatchAsync([Fixtures.Entry(30) with { Reason = "predictive: small", Policy = "predictive", Outcome = RequestOutcome.Cancelled }], CancellationToken.None);
        var after = await LedgerVerifier.VerifyAsync(store, null, CancellationToken.None);
        Assert.True(after.IsValid, after.Message);
        var added = (await store.QueryAsync(new LedgerQuery { AfterSequence = 7 }, CancellationToken.None)).Single();
        Assert.Equal((2, "predictive: small", "predictive", RequestOutcome.Cancelled), (added.EncodingVersion, added.Reason, added.Policy, added.Outcome));

        await ExecSqliteAsync(db, "UPDATE ledger_entries SET reason = 'rewritten' WHERE seq = 2");
        var tampered = await LedgerVerifier.VerifyAsync(store, null, CancellationToken.None);
        Assert.Equal((LedgerFailureKind.Edited, 2L), (tampered.Failure, tampered.FirstBadSequence));
    }

    [Fact]
    public async Task Verify_EncodingVersionChangedOnNewEntry_ReportedAsEdited()
    {
        await using var h = await StoreHarness.CreateAsync("sqlite");
        await h.Store.AppendBatchAsync([Fixtures.Entry(0), Fixtures.Entry(1)], CancellationToken.None);

        await h.ExecAsync("UPDATE ledger_entries SET encoding_version = 1 WHERE seq = 2");
        var downgraded = await LedgerVerifier.VerifyAsync(h.Store, null, CancellationToken.None);
        await h.ExecAsync("UPDATE ledger_entries SET encoding_version = 9 WHERE seq = 2");
        var unknown = await LedgerVerifier.VerifyAsync(h.Store, null, CancellationToken.None);

        Assert.Equal((LedgerFailureKind.Edited, 2L), (downgraded.Failure, downgraded.FirstBadSequence));
        Assert.Equal((LedgerFailureKind.Edited, 2L), (unknown.Failure, unknown.FirstBadSequence));
        Assert.Contains("encoding version 9", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_PostgresV1Schema_OldRowsVerifyAndNewRowsAppend()
    {
        var schema = Fixtures.NewSchema();
        try
        {
            // Build the version-1 schema exactly as the old build did, and copy the old build's rows (with their v1 hashes) into it.
            await Fixtures.ExecPgAsync($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);" +
                $"INSERT INTO {schema}.ledger_meta VALUES ('schema_version', '1');" + string.Format(System.Globalization.CultureInfo.InvariantCulture, LedgerSchema.Migrations(postgres: true)[0], schema + "."));
            await CopyV1RowsToPostgresAsync(schema);
            await using var store = new PostgresLedgerStore(Fixtures.PgConnectionString, schema);
            await store.MigrateAsync(CancellationToken.None);

            var before = await LedgerVerifier.VerifyAsync(store, null, CancellationToken.None);
            Assert.True(before.IsValid, before.Message);
            Assert.Equal((7L, 3L), (before.EntriesChecked, before.CheckpointsChecked));
            await store.AppendBatchAsync([Fixtures.Entry(40) with { Reason = "cascade: escalated", Policy = "cascade" }], CancellationToken.None);
            var after = await LedgerVerifier.VerifyAsync(store, null, CancellationToken.None);
            Assert.True(after.IsValid, after.Message);
            var last = (await store.QueryAsync(new LedgerQuery { AfterSequence = 7 }, CancellationToken.None)).Single();
            Assert.Equal(("cascade: escalated", "cascade", 2), (last.Reason, last.Policy, last.EncodingVersion));

            await Fixtures.ExecPgAsync($"UPDATE {schema}.ledger_entries SET outcome = 'error' WHERE seq = 5");
            var tampered = await LedgerVerifier.VerifyAsync(store, null, CancellationToken.None);
            Assert.Equal((LedgerFailureKind.Edited, 5L), (tampered.Failure, tampered.FirstBadSequence));
        }
        finally
        {
            await Fixtures.DropSchemaAsync(schema);
        }
    }

    /// <summary>Reads the fixture's 29 version-1 columns and checkpoints with plain SQL and inserts them into PostgreSQL.</summary>
    private static async Task CopyV1RowsToPostgresAsync(string schema)
    {
        await using var sqlite = new SqliteConnection($"Data Source={V1Fixture};Mode=ReadOnly;Pooling=false");
        await sqlite.OpenAsync();
        await using var pg = new NpgsqlConnection(Fixtures.PgConnectionString);
        await pg.OpenAsync();
        foreach (var table in new[] { "ledger_entries", "ledger_checkpoints" })
        {
            await using var read = sqlite.CreateCommand();
            read.CommandText = $"SELECT * FROM {table} ORDER BY seq";
            await using var r = await read.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                await using var insert = pg.CreateCommand();
                var names = Enumerable.Range(0, r.FieldCount).Select(r.GetName).ToList();
                insert.CommandText = $"INSERT INTO {schema}.{table} ({string.Join(", ", names)}) VALUES ({string.Join(", ", names.Select((_, i) => "$" + (i + 1)))})";
                for (var i = 0; i < r.FieldCount; i++)
                {
                    insert.Parameters.Add(new NpgsqlParameter { Value = r.IsDBNull(i) ? DBNull.Value : r.GetValue(i) });
                }
                await insert.ExecuteNonQueryAsync();
            }
        }
    }

    private static async Task ExecSqliteAsync(string db, string sql)
    {
        await using var c = new SqliteConnection($"Data Source={db};Pooling=false");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
}

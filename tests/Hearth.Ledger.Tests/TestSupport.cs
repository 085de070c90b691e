using Hearth.Ledger.Entries;
using Hearth.Ledger.Store;
using Npgsql;

namespace Hearth.Ledger.Tests;

/// <summary>Builders and the PostgreSQL test database (HEARTH_TEST_PG is required: missing → the test fails).</summary>
internal static class Fixtures
{
    public static LedgerEntry Entry(int i, string tenant = "acme", string model = "stories260K") => new()
    {
        EntryId = Guid.NewGuid(),
        Timestamp = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero).AddSeconds(i),
        NodeId = "node-a",
        Tenant = tenant,
        Route = "/v1/chat/completions",
        Backend = "local",
        ModelId = model,
        ModelVersion = "sha256:abc",
        TokensIn = 10 + i,
        TokensOut = 20 + i,
        LatencyMilliseconds = 12.5 + i,
        CpuSeconds = 0.01 * (i + 1),
        EnergyWattHours = 0.001 * (i + 1),
        EnergyMethod = EnergyMethod.Modelled,
        EnergyUncertaintyFraction = 0.5,
        IntensityGramsCo2ePerKwh = 56.039,
        IntensitySource = "static:FRA:2023",
        Zone = "FRA",
        OperationalGramsCo2e = 0.0001 * (i + 1),
        EmbodiedGramsCo2e = 0.00001,
        WaterLiters = 0.003,
        HeatWattHours = 0.001 * (i + 1),
        SciGramsCo2ePerRequest = 0.0001 * (i + 1) + 0.00001,
        SciGramsCo2ePer1kTokens = i % 3 == 0 ? null : 0.01,
    };

    public static string PgConnectionString =>
        Environment.GetEnvironmentVariable("HEARTH_TEST_PG") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                "HEARTH_TEST_PG is not set: start PostgreSQL with `eval \"$(bash scripts/test-services.sh start)\"` or run ./test.sh.");

    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..16];

    public static async Task ExecPgAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(PgConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task DropSchemaAsync(string schema) => await ExecPgAsync($"DROP SCHEMA IF EXISTS {schema} CASCADE");
}

/// <summary>A store under test plus a way to run plain SQL against it.</summary>
internal sealed class StoreHarness : IAsyncDisposable
{
    private readonly Hearth.TestSupport.TempDir? _dir;

    private StoreHarness(SqlLedgerStoreBase store, Hearth.TestSupport.TempDir? dir, string? schema)
    {
        Store = store;
        _dir = dir;
        Schema = schema;
    }

    public SqlLedgerStoreBase Store { get; }
    public string? Schema { get; }
    public string Folder => _dir?.Path ?? Path.GetTempPath();
    public string Table(string name) => Schema is null ? name : $"{Schema}.{name}";

    public static async Task<StoreHarness> CreateAsync(string kind)
    {
        if (kind == "sqlite")
        {
            var dir = new Hearth.TestSupport.TempDir("hearth-ledger-");
            var s = new SqliteLedgerStore(dir.File("ledger.db"));
            await s.MigrateAsync(CancellationToken.None);
            return new StoreHarness(s, dir, null);
        }
        var schema = Fixtures.NewSchema();
        var pg = new PostgresLedgerStore(Fixtures.PgConnectionString, schema);
        await pg.MigrateAsync(CancellationToken.None);
        return new StoreHarness(pg, new Hearth.TestSupport.TempDir("hearth-ledger-"), schema);
    }

    public async Task ExecAsync(string sql)
    {
        if (Store is SqliteLedgerStore s)
        {
            await using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={s.FilePath};Pooling=false");
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            await cmd.ExecuteNonQueryAsync();
        }
        else
        {
            await Fixtures.ExecPgAsync(sql);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        if (Schema is not null)
        {
            await Fixtures.DropSchemaAsync(Schema);
        }
        _dir?.Dispose();
    }
}

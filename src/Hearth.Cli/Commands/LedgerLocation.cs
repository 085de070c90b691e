using Hearth.Ledger;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;
using Hearth.Server.Configuration;
using Hearth.Server.Pipeline;

namespace Hearth.Cli.Commands;

/// <summary>
/// Which ledger <c>hearth ledger verify|report</c> read: <c>--db</c> (a SQLite file, or with <c>--pg-schema</c> an Npgsql
/// connection string) when given; otherwise the node's own ledger as <c>hearth serve</c> would open it — the <c>Ledger:Store</c>
/// of <c>$HEARTH_HOME/appsettings.json</c> and <c>HEARTH__Ledger__…</c> variables, by default <c>$HEARTH_HOME/ledger/ledger.db</c>
/// (<c>--home</c> overrides <c>HEARTH_HOME</c>, which defaults to <c>~/.hearth</c>).
/// </summary>
internal sealed record LedgerLocation(LedgerStoreKind Kind, string Connection, string Schema, string? KeyFolder)
{
    /// <summary>The node's checkpoint interval: configured for the node's own ledger, the default for <c>--db</c>.</summary>
    public int CheckpointEveryEntries { get; init; } = new LedgerStoreOptions().CheckpointEveryEntries;

    /// <summary>Resolves the options; throws <see cref="HearthConfigException"/> for a bad configuration.</summary>
    public static LedgerLocation Resolve(string? db, string? pgSchema, string? home)
    {
        if (db is not null)
        {
            return pgSchema is not null
                ? new LedgerLocation(LedgerStoreKind.Postgres, db, pgSchema, null)
                : new LedgerLocation(LedgerStoreKind.Sqlite, db, "", Path.GetDirectoryName(Path.GetFullPath(db)));
        }
        var overrides = new Dictionary<string, string?>();
        if (home is not null)
        {
            overrides["Home"] = home;
        }
        var options = HearthConfiguration.Load(overrides);
        var store = NodeLedger.Locate(options.Ledger, options.Home!).Store;
        var location = store.Kind == LedgerStoreKind.Sqlite
            ? new LedgerLocation(LedgerStoreKind.Sqlite, store.Connection, "", LedgerStores.KeyFolder(store))
            : new LedgerLocation(LedgerStoreKind.Postgres, store.Connection, pgSchema ?? store.Schema, LedgerStores.KeyFolder(store));
        return location with { CheckpointEveryEntries = store.CheckpointEveryEntries };
    }

    /// <summary>Opens the store (a missing SQLite file is an error, never created).</summary>
    public ILedgerStore Open()
    {
        if (Kind == LedgerStoreKind.Postgres)
        {
            return new PostgresLedgerStore(Connection, Schema);
        }
        if (!File.Exists(Connection))
        {
            throw new FileNotFoundException($"Ledger database '{Connection}' does not exist.", Connection);
        }
        return new SqliteLedgerStore(Connection);
    }

    /// <summary>For messages: the file, or host/database#schema without secrets.</summary>
    public string Describe()
    {
        if (Kind == LedgerStoreKind.Sqlite)
        {
            return Connection;
        }
        var b = new Npgsql.NpgsqlConnectionStringBuilder(Connection);
        return $"postgres://{b.Host}:{b.Port}/{b.Database}#{Schema}";
    }
}

using Hearth.Ledger.Budgets;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;

namespace Hearth.Ledger;

/// <summary>
/// Everything one node needs, opened from <see cref="LedgerOptions"/>: the store (migrated), the node key, the batching
/// writer, the request meter and the budget guard (seeded with this month's usage). Dispose at shutdown: it flushes the
/// queue and signs a final checkpoint.
/// </summary>
public sealed class LedgerNode : IAsyncDisposable
{
    private LedgerNode(LedgerOptions options, ILedgerStore store, NodeKey key, LedgerWriter writer, RequestMeter meter, BudgetGuard budgets)
    {
        Options = options;
        Store = store;
        Key = key;
        Writer = writer;
        Meter = meter;
        Budgets = budgets;
    }

    public LedgerOptions Options { get; }
    public ILedgerStore Store { get; }
    public NodeKey Key { get; }
    public LedgerWriter Writer { get; }
    public RequestMeter Meter { get; }
    public BudgetGuard Budgets { get; }

    /// <summary>The anchor file the writer keeps the latest checkpoint in (<see cref="LedgerAnchor"/>).</summary>
    public string AnchorPath => LedgerAnchor.PathIn(LedgerStores.KeyFolder(Options.Store));

    /// <summary>The local journal, when durability is <see cref="LedgerDurability.Journal"/>.</summary>
    public LedgerJournal? Journal { get; private init; }

    /// <summary>
    /// Validates options, opens and migrates the store, loads or creates the key, recovers the journal, starts the writer,
    /// and reads a live intensity source once. <paramref name="http"/> is required for the HTTP intensity kinds and the
    /// on-site signal (the caller owns and disposes it; give it a timeout).
    /// </summary>
    public static async Task<LedgerNode> OpenAsync(LedgerOptions options, HttpClient? http, TimeProvider? time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        var store = LedgerStores.Create(options.Store);
        try
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            var folder = LedgerStores.KeyFolder(options.Store);
            var key = NodeKey.LoadOrCreate(folder);
            LedgerJournal? journal = null;
            var recovered = 0;
            if (options.Store.Durability == LedgerDurability.Journal)
            {
                recovered = await LedgerJournal.RecoverAsync(folder, store, cancellationToken).ConfigureAwait(false);
                journal = LedgerJournal.Open(folder);
            }
            var writer = new LedgerWriter(store, options.Store, key, options.NodeId, time, journal, LedgerAnchor.PathIn(folder));
            if (recovered > 0)
            {
                // A crash left these in the journal only: sign them now, so the tail is not left uncovered until the next interval.
                await writer.CheckpointNowAsync(cancellationToken).ConfigureAwait(false);
            }
            var meter = RequestMeter.Create(options, http, time);
            if (options.Intensity.Kind != IntensitySourceKinds.Static || options.Intensity.OnSiteGenerationUrl is not null)
            {
                // Read the live source once now (bounded by Intensity.RequestTimeout, falling back to static on failure),
                // so the first requests do not carry the static figure while the first background refresh runs.
                await meter.Intensity.RefreshAsync(cancellationToken).ConfigureAwait(false);
            }
            var budgets = new BudgetGuard(options.Budgets, time);
            await budgets.SeedAsync(store, cancellationToken).ConfigureAwait(false);
            return new LedgerNode(options, store, key, writer, meter, budgets) { Journal = journal };
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync().ConfigureAwait(false);
        Journal?.Dispose();
        await Writer.CheckpointNowAsync(CancellationToken.None).ConfigureAwait(false);
        await Store.DisposeAsync().ConfigureAwait(false);
        Key.Dispose();
    }
}

/// <summary>Creates stores from options.</summary>
public static class LedgerStores
{
    /// <summary>The store for <paramref name="options"/> (not yet migrated).</summary>
    public static ILedgerStore Create(LedgerStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind switch
        {
            LedgerStoreKind.Sqlite => new SqliteLedgerStore(options),
            LedgerStoreKind.Postgres => new PostgresLedgerStore(options),
            _ => throw new LedgerConfigurationException($"Store.Kind: unknown '{options.Kind}' (known: Sqlite, Postgres)."),
        };
    }

    /// <summary>The folder holding the node key: configured, else the SQLite file's folder, else the current folder.</summary>
    public static string KeyFolder(LedgerStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.KeyFolder is { } k)
        {
            return k;
        }
        return options.Kind == LedgerStoreKind.Sqlite
            ? Path.GetDirectoryName(Path.GetFullPath(options.Connection)) ?? Directory.GetCurrentDirectory()
            : Directory.GetCurrentDirectory();
    }
}

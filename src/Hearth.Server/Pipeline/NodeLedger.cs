using Hearth.Ledger;
using Hearth.Ledger.Budgets;
using Hearth.Ledger.Chat;
using Hearth.Ledger.Energy;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;
using Hearth.Ledger.Queries;
using Hearth.Ledger.Store;
using Hearth.Server.Backends;
using Hearth.Server.Configuration;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Pipeline;

/// <summary>How a node opens its ledger, meters each model and serves the ledger API.</summary>
public static class NodeLedger
{
    /// <summary>Folder under <c>$HEARTH_HOME</c> holding the SQLite ledger, its journal and the node key.</summary>
    public const string Folder = "ledger";

    /// <summary>
    /// Resolves a relative SQLite path under <c>$HEARTH_HOME/ledger</c>; for PostgreSQL, the key and journal folder
    /// (<c>Store.KeyFolder</c>) defaults to <c>$HEARTH_HOME/ledger</c> instead of the working directory. Creates the folder.
    /// </summary>
    public static LedgerOptions Resolve(LedgerOptions options, string home)
    {
        var resolved = Locate(options, home);
        Directory.CreateDirectory(resolved.Store.Kind == LedgerStoreKind.Sqlite ? Path.GetDirectoryName(resolved.Store.Connection)! : resolved.Store.KeyFolder!);
        return resolved;
    }

    /// <summary>What <see cref="Resolve"/> returns, without creating anything (for <c>hearth ledger verify|report</c>).</summary>
    public static LedgerOptions Locate(LedgerOptions options, string home)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        if (options.Store.Kind != LedgerStoreKind.Sqlite)
        {
            return options.Store.KeyFolder is null ? options with { Store = options.Store with { KeyFolder = Path.Combine(home, Folder) } } : options;
        }
        var path = Path.IsPathRooted(options.Store.Connection)
            ? options.Store.Connection
            : Path.Combine(home, Folder, options.Store.Connection);
        return options with { Store = options.Store with { Connection = path } };
    }

    /// <summary>
    /// The HttpClient live intensity sources and the on-site signal use: no proxy, a connect timeout, and an overall timeout
    /// of twice <c>Intensity:RequestTimeout</c> (each call is also cut at RequestTimeout by the fallback). The node disposes it.
    /// </summary>
    public static HttpClient CreateIntensityHttpClient(LedgerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var timeout = options.Intensity.RequestTimeout;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = timeout * 2 };
    }

    /// <summary>
    /// The ledger queries the node's API serves over its store. Lookups by id flush the writer once when the entry is not committed yet.
    /// Verification trusts the node's own key for SQLite; for PostgreSQL (replicas each sign with their own key) every
    /// checkpoint is checked against the key it carries.
    /// </summary>
    internal static LedgerQueries CreateApi(LedgerNode ledger, TimeProvider time) =>
        new(ledger.Store, time, ledger.Writer.FlushAsync,
            ledger.Options.Store.Kind == LedgerStoreKind.Sqlite ? [ledger.Key.PublicKeySpkiBase64] : null,
            new LedgerVerifyOptions { CheckpointEveryEntries = ledger.Options.Store.CheckpointEveryEntries, AnchorPath = ledger.AnchorPath });

    /// <summary>
    /// How the ledger meters <paramref name="model"/>: its backend name and model version as defaults for the entries, the
    /// upstream's energy profile for a remote model, and the budgets whose spend each entry counts against.
    /// </summary>
    internal static MeteringChatClientOptions MeteringOptions(ModelDescriptor model, HearthOptions options, LedgerNode ledger, ModelVersions versions, LocalEnergyProfile energy)
    {
        var metering = new MeteringChatClientOptions
        {
            DefaultBackend = RouteStampChatClient.BackendName(model),
            DefaultModelVersion = versions.For(model),
            Remote = model.Kind == BackendKind.Upstream && options.Upstreams.FirstOrDefault(u => u.Name == model.OwnedBy) is { } u
                ? new RemoteModelProfile(u.ActiveParamsBillions, u.ProviderPue) : null,
            Budgets = ledger.Budgets,
        };
        return model.Kind == BackendKind.Local ? metering.AlsoOnEntry(energy.ObserverFor(model.Id)) : metering;
    }
}

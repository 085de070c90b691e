using Hearth.Ledger;
using Hearth.Ledger.Chat;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;
using Hearth.Server.Backends;
using Hearth.Server.Configuration;

namespace Hearth.Server.Integration;

/// <summary>How a node opens its ledger and puts it into the chat pipeline.</summary>
public static class NodeLedger
{
    /// <summary>Folder under <c>$HEARTH_HOME</c> holding the SQLite ledger, its journal and the node key.</summary>
    public const string Folder = "ledger";

    /// <summary>Resolves a relative SQLite path under <c>$HEARTH_HOME/ledger</c> (and creates that folder).</summary>
    public static LedgerOptions Resolve(LedgerOptions options, string home)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Store.Kind != LedgerStoreKind.Sqlite)
        {
            return options;
        }
        var path = Path.IsPathRooted(options.Store.Connection)
            ? options.Store.Connection
            : Path.Combine(home, Folder, options.Store.Connection);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return options with { Store = options.Store with { Connection = path } };
    }

    /// <summary>
    /// Adds, below telemetry: budget check → route/backend stamp → metering. The local model used for a budget downgrade
    /// is the smallest local GGUF file.
    /// </summary>
    internal static void AddStages(ChatPipelineBuilder pipeline, HearthOptions options, LedgerNode ledger, ModelCatalog catalog, Func<ModelBackends?> backends)
    {
        var versions = new ModelVersions();
        pipeline.Use((inner, model) => new BudgetChatClient(inner, model, ledger.Budgets, () =>
        {
            var local = catalog.LocalModels().OrderBy(m => m.SizeBytes).FirstOrDefault();
            return local is null || backends() is not { } b ? null : (b.GetChatClient(local), local.Id);
        }));
        pipeline.Use((inner, model) => new RouteStampChatClient(inner, model));
        pipeline.Use((inner, model) => inner.UseHearthMetering(ledger.Meter, ledger.Writer, new MeteringChatClientOptions
        {
            DefaultBackend = RouteStampChatClient.BackendName(model),
            DefaultModelVersion = versions.For(model),
            Remote = model.Kind == BackendKind.Upstream && options.Upstreams.FirstOrDefault(u => u.Name == model.OwnedBy) is { } u
                ? new RemoteModelProfile(u.ActiveParamsBillions, u.ProviderPue) : null,
            Budgets = ledger.Budgets,
        }));
    }
}

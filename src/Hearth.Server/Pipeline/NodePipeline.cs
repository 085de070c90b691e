using Hearth.Ledger;
using Hearth.Ledger.Budgets;
using Hearth.Ledger.Chat;
using Hearth.Ledger.Energy;
using Hearth.Server.Backends;
using Hearth.Server.Configuration;
using Hearth.Routing.Hybrid;
using Hearth.Routing.Sensitive;
using Hearth.Server.Observability;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Pipeline;

/// <summary>
/// The stages a node puts around every model's backend, in one place each for chat and embeddings, built with M.E.AI's own
/// <see cref="ChatClientBuilder"/> and <see cref="EmbeddingGeneratorBuilder{TInput, TEmbedding}"/> (the first <c>Use</c> is the
/// outermost stage, i.e. sees the request first). <see cref="ModelBackends"/> builds each model's chain once and caches it.
/// </summary>
/// <remarks>
/// Some stages call other models' pipelines (a confidential request kept on a local model, a budget downgrade to one): they
/// reach them through <see cref="ModelBackends"/>, which made this pipeline for itself (see its constructor), so each model's
/// chain is built on first use, never during construction.
/// </remarks>
internal sealed class NodePipeline : IModelPipeline
{
    private readonly HearthOptions _options;
    private readonly ModelCatalog _catalog;
    private readonly ModelBackends _backends;
    private readonly HearthMetrics _metrics;
    private readonly LocalEnergyProfile _energy;
    private readonly LedgerNode _ledger;
    private readonly IReadOnlyList<Action<ChatClientBuilder, ModelDescriptor>> _userStages;
    private readonly NodeResidency _residency;
    private readonly ModelVersions _versions = new();

    /// <param name="userStages">Extra chat stages from <see cref="Hosting.HearthNodeSetup.ChatStages"/>, added in order below metering.</param>
    public NodePipeline(HearthOptions options, ModelCatalog catalog, ModelBackends backends, HearthMetrics metrics, LocalEnergyProfile energy, LedgerNode ledger,
        IReadOnlyList<Action<ChatClientBuilder, ModelDescriptor>> userStages)
    {
        _options = options;
        _catalog = catalog;
        _backends = backends;
        _metrics = metrics;
        _energy = energy;
        _ledger = ledger;
        _userStages = userStages;
        _residency = new NodeResidency(options.Routing, new NodeRoutingBackends(options, catalog, backends));
    }

    /// <summary>
    /// The chat chain of one model, outermost first: residency entry (upstream models: a confidential request is kept local)
    /// → telemetry → budget → route stamp → metering (whose entries of local models also teach the energy profile its CPU
    /// seconds per token) → the setup's stages → residency guard (re-scans what leaves the node) → backend.
    /// </summary>
    public IChatClient Build(IChatClient backend, ModelDescriptor model)
    {
        var remote = model.Kind == BackendKind.Upstream;
        var chat = new ChatClientBuilder(backend);
        if (remote)
        {
            chat.UseResidencyEntry(_residency, model.Id);                                    // Hearth.Routing
        }
        chat.Use(inner => new TelemetryChatClient(inner, model, _metrics))                    // Hearth.Server (metrics)
            .UseBudgets(_ledger.Budgets, model.Kind == BackendKind.Local, DowngradeTarget)     // Hearth.Ledger
            .Use(inner => new RouteStampChatClient(inner, model))                             // Hearth.Server (which model serves)
            .UseMetering(_ledger.Meter, _ledger.Writer, NodeLedger.MeteringOptions(model, _options, _ledger, _versions, _energy)) // Hearth.Ledger
            .Use(inner => UserStages(inner, model));                                          // HearthNodeSetup.ChatStages
        if (remote)
        {
            chat.UseResidencyGuard(_residency, model.Id);                                    // Hearth.Routing
        }
        return chat.Build();
    }

    /// <summary>The embedding chain of one model, outermost first: budget → route stamp → metering → backend.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> Build(IEmbeddingGenerator<string, Embedding<float>> backend, ModelDescriptor model) =>
        new EmbeddingGeneratorBuilder<string, Embedding<float>>(backend)
            .UseBudgets(_ledger.Budgets, model.Kind == BackendKind.Local)
            .Use(inner => new RouteStampEmbeddingGenerator(inner, model))
            .UseMetering(_ledger.Meter, _ledger.Writer, NodeLedger.MeteringOptions(model, _options, _ledger, _versions, _energy))
            .Build();

    /// <summary>Where a chat <c>Downgrade</c> budget sends a request: the smallest local GGUF file, or nowhere when the node has none.</summary>
    private BudgetDowngradeTarget? DowngradeTarget()
    {
        var local = _catalog.LocalModels().OrderBy(m => m.SizeBytes).FirstOrDefault();
        return local is null ? null : new BudgetDowngradeTarget(_backends.GetChatClient(local), local.Id);
    }

    private IChatClient UserStages(IChatClient inner, ModelDescriptor model)
    {
        var builder = new ChatClientBuilder(inner);
        foreach (var stage in _userStages)
        {
            stage(builder, model);
        }
        return builder.Build();
    }
}

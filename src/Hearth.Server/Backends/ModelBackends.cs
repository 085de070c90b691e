using System.Collections.Concurrent;
using Hearth.Contracts;
using Hearth.Server.Backends.Local;
using Hearth.Server.Backends.Upstream;
using Hearth.Server.Configuration;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Backends;

/// <summary>
/// Maps a <see cref="ModelDescriptor"/> to its backend <see cref="IChatClient"/> and embedding generator, each wrapped in the
/// node's <see cref="IModelPipeline"/> (both cached per model). Owns the upstream connections and the local model manager.
/// </summary>
/// <remarks>
/// Stages of the pipeline may themselves call other models' clients (a residency fallback to a local model, a budget
/// downgrade), so the pipeline is made for these backends: the constructor hands itself to <c>pipelineFor</c> once its own
/// state is set up, and nothing else is ever assigned afterwards.
/// </remarks>
public sealed class ModelBackends : IDisposable
{
    private readonly Dictionary<string, UpstreamConnection> _upstreams = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Id, BackendKind Kind), IChatClient> _clients = new();
    private readonly ConcurrentDictionary<(string Id, BackendKind Kind), IEmbeddingGenerator<string, Embedding<float>>> _embedders = new();
    private readonly IModelPipeline _pipeline;

    /// <param name="options">The node's upstreams and local-model settings.</param>
    /// <param name="localLoader">Loads local GGUF files; null when this build has no local engine.</param>
    /// <param name="timeProvider">The clock of the local model manager and the upstream resilience pipelines.</param>
    /// <param name="pipelineFor">Makes the pipeline around every model for these backends; null = bare backends.</param>
    public ModelBackends(HearthOptions options, ILocalModelLoader? localLoader, TimeProvider? timeProvider = null, Func<ModelBackends, IModelPipeline>? pipelineFor = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var u in options.Upstreams)
        {
            _upstreams[u.Name] = new UpstreamConnection(u, timeProvider);
        }
        Local = localLoader is null ? null : new LocalModelManager(localLoader, options.Local, timeProvider);
        try
        {
            _pipeline = pipelineFor?.Invoke(this) ?? IModelPipeline.None;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The local model manager, or null when this build has no local engine.</summary>
    public LocalModelManager? Local { get; }

    /// <summary>The model's client with the whole pipeline around it. Call with <c>ChatOptions.ModelId = model.RemoteId ?? model.Id</c>.</summary>
    public IChatClient GetChatClient(ModelDescriptor model) =>
        _clients.GetOrAdd((model.Id, model.Kind), _ => _pipeline.Build(CreateBackend(model), model));

    private IChatClient CreateBackend(ModelDescriptor model) => model.Kind switch
    {
        BackendKind.Upstream => new UpstreamChatClient(_upstreams[model.OwnedBy]),
        _ => new LocalBackendChatClient(RequireLocal(model), model),
    };

    /// <summary>The model's embedding generator with the embedding pipeline around it (cached per model).</summary>
    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(ModelDescriptor model) =>
        _embedders.GetOrAdd((model.Id, model.Kind), _ => _pipeline.Build(CreateEmbeddingBackend(model), model));

    private IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingBackend(ModelDescriptor model) => model.Kind switch
    {
        BackendKind.Upstream => new UpstreamEmbeddingGenerator(_upstreams[model.OwnedBy]),
        _ => new LocalBackendEmbeddingGenerator(RequireLocal(model), model),
    };

    private LocalModelManager RequireLocal(ModelDescriptor model) => Local ?? throw new HearthRequestException(RequestErrorKind.NotImplemented,
        $"Model '{model.Id}' is a local GGUF file, but this build of Hearth has no local inference engine.", "model", "local_engine_unavailable");

    public void Dispose()
    {
        Local?.Dispose();
        foreach (var u in _upstreams.Values)
        {
            u.Dispose();
        }
    }
}

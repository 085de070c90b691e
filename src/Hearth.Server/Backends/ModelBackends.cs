using System.Collections.Concurrent;
using Hearth.Contracts;
using Hearth.Server.Backends.Local;
using Hearth.Server.Backends.Upstream;
using Hearth.Server.Configuration;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Backends;

/// <summary>
/// Maps a <see cref="ModelDescriptor"/> to its backend <see cref="IChatClient"/> wrapped in the chat pipeline, and to its embedding
/// generator wrapped in the embedding pipeline (both cached per model). Owns the upstream connections and the local model manager.
/// </summary>
public sealed class ModelBackends : IDisposable
{
    private readonly Dictionary<string, UpstreamConnection> _upstreams = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Id, BackendKind Kind), IChatClient> _clients = new();
    private readonly ConcurrentDictionary<(string Id, BackendKind Kind), IEmbeddingGenerator<string, Embedding<float>>> _embedders = new();
    private readonly ChatPipelineBuilder _pipeline;
    private readonly EmbeddingPipelineBuilder _embeddingPipeline;

    public ModelBackends(HearthOptions options, ChatPipelineBuilder pipeline, ILocalModelLoader? localLoader, TimeProvider? timeProvider = null,
        EmbeddingPipelineBuilder? embeddingPipeline = null)
    {
        _pipeline = pipeline;
        _embeddingPipeline = embeddingPipeline ?? new EmbeddingPipelineBuilder();
        foreach (var u in options.Upstreams)
        {
            _upstreams[u.Name] = new UpstreamConnection(u, timeProvider);
        }
        Local = localLoader is null ? null : new LocalModelManager(localLoader, options.Local, timeProvider);
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
        _embedders.GetOrAdd((model.Id, model.Kind), _ => _embeddingPipeline.Build(CreateEmbeddingBackend(model), model));

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

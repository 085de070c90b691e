using Microsoft.Extensions.AI;

namespace Hearth.Server.Backends;

/// <summary>
/// The middleware a node puts around each model's backend (chat and embeddings). <see cref="ModelBackends"/> calls it once per
/// model and caches the result, so an implementation may build a new stage chain on every call.
/// </summary>
public interface IModelPipeline
{
    /// <summary>A pipeline that adds nothing: callers get the bare backends (e.g. <c>hearth run</c>, which meters nothing).</summary>
    static IModelPipeline None { get; } = new Bare();

    /// <summary>Wraps the model's chat backend in the pipeline's stages (the returned client owns none of them beyond the backend).</summary>
    IChatClient Build(IChatClient backend, ModelDescriptor model);

    /// <summary>Wraps the model's embedding backend in the pipeline's stages.</summary>
    IEmbeddingGenerator<string, Embedding<float>> Build(IEmbeddingGenerator<string, Embedding<float>> backend, ModelDescriptor model);

    private sealed class Bare : IModelPipeline
    {
        public IChatClient Build(IChatClient backend, ModelDescriptor model) => backend;

        public IEmbeddingGenerator<string, Embedding<float>> Build(IEmbeddingGenerator<string, Embedding<float>> backend, ModelDescriptor model) => backend;
    }
}

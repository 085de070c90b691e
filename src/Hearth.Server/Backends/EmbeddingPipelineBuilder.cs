using Microsoft.Extensions.AI;

namespace Hearth.Server.Backends;

/// <summary>
/// The middleware around every embedding backend, like <see cref="ChatPipelineBuilder"/> for chat: the first stage added is
/// the outermost. The node adds budget → route stamp → metering. Built once per model and cached.
/// </summary>
public sealed class EmbeddingPipelineBuilder
{
    private readonly List<Func<IEmbeddingGenerator<string, Embedding<float>>, ModelDescriptor, IEmbeddingGenerator<string, Embedding<float>>>> _stages = [];

    /// <summary>Adds a stage below the ones already added.</summary>
    public EmbeddingPipelineBuilder Use(Func<IEmbeddingGenerator<string, Embedding<float>>, ModelDescriptor, IEmbeddingGenerator<string, Embedding<float>>> stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        _stages.Add(stage);
        return this;
    }

    /// <summary>Wraps <paramref name="backend"/> in every stage.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> Build(IEmbeddingGenerator<string, Embedding<float>> backend, ModelDescriptor model)
    {
        var generator = backend;
        for (var i = _stages.Count - 1; i >= 0; i--)
        {
            generator = _stages[i](generator, model);
        }
        return generator;
    }
}

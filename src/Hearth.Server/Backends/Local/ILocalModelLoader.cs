using Hearth.Server.Configuration;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Backends.Local;

/// <summary>Loads a GGUF file into something that can generate. The engine adapter implements it; tests may supply their own.</summary>
public interface ILocalModelLoader
{
    /// <summary>Loads the model (may take seconds; called off the request thread). Throws a <see cref="Hearth.Contracts.HearthRequestException"/> for unsupported or broken files.</summary>
    Task<ILocalModel> LoadAsync(ModelDescriptor model, LocalModelOptions options, CancellationToken cancellationToken);
}

/// <summary>A loaded local model. Disposed by <see cref="LocalModelManager"/> when evicted; callers never dispose it.</summary>
public interface ILocalModel : IDisposable
{
    /// <summary>Bytes counted against <c>Local:MemoryCapBytes</c>.</summary>
    long ResidentBytes { get; }

    /// <summary>Facts for <c>/api/show</c>, <c>/api/tags</c> and <c>/v1/models</c>.</summary>
    LocalModelDetails Details { get; }

    /// <summary>Chat generation; safe for <c>ConcurrentSequencesPerModel</c> concurrent calls.</summary>
    IChatClient ChatClient { get; }

    /// <summary>Embeddings (pooled hidden states), or null when the model cannot embed.</summary>
    IEmbeddingGenerator<string, Embedding<float>>? EmbeddingGenerator { get; }

    /// <summary>
    /// True when the file this model was loaded from is no longer what its path names (replaced by a rename, or deleted) while the
    /// loaded copy stays intact: new requests should get a fresh load, running ones may finish on this one.
    /// </summary>
    bool IsStale => false;
}

/// <summary>What is known about a loaded model.</summary>
public sealed record LocalModelDetails(string Architecture, long ParameterCount, string QuantizationType, int ContextLengthTokens, int EmbeddingLength, string? ChatTemplate);

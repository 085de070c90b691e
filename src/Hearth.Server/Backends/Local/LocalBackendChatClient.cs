using System.Runtime.CompilerServices;
using Hearth.Contracts;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Backends.Local;

/// <summary>
/// The <see cref="IChatClient"/> for one local model: takes a scheduler slot (queueing, or 429 when full), loads the model on
/// demand, and holds the slot until the response (or the stream) ends or the caller cancels. The request's keep-alive
/// (<see cref="RequestContext.GetKeepAlive(ChatOptions?)"/>) becomes the model's.
/// </summary>
public sealed class LocalBackendChatClient(LocalModelManager manager, ModelDescriptor model) : IChatClient
{
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var lease = await manager.AcquireAsync(model, options.GetKeepAlive(), cancellationToken).ConfigureAwait(false);
        return await lease.Model.ChatClient.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var lease = await manager.AcquireAsync(model, options.GetKeepAlive(), cancellationToken).ConfigureAwait(false);
        await foreach (var update in lease.Model.ChatClient.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

/// <summary>Embeddings from a local model, through the same scheduler as chat.</summary>
public sealed class LocalBackendEmbeddingGenerator(LocalModelManager manager, ModelDescriptor model) : IEmbeddingGenerator<string, Embedding<float>>
{
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        using var lease = await manager.AcquireAsync(model, cancellationToken).ConfigureAwait(false);
        var generator = lease.Model.EmbeddingGenerator ?? throw new HearthRequestException(RequestErrorKind.InvalidRequest,
            $"Model '{model.Id}' cannot produce embeddings.", "model", "embeddings_unsupported");
        return await generator.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

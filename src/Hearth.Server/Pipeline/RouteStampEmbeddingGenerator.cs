using Hearth.Contracts;
using Hearth.Server.Backends;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Pipeline;

/// <summary>
/// Between budget and metering for embeddings, like <see cref="RouteStampChatClient"/>: the entry's route is the model id that
/// served, its backend <c>local</c> or <c>upstream:NAME</c>, and the model id passed on is the one the backend expects.
/// </summary>
internal sealed class RouteStampEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, ModelDescriptor model)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var stamped = options?.Clone() ?? new EmbeddingGenerationOptions();
        stamped.ModelId = model.RemoteId ?? model.Id;
        stamped.SetServingModel(new ServingModel(model.Id, RouteStampChatClient.BackendName(model)));
        return base.GenerateAsync(values, stamped, cancellationToken);
    }
}

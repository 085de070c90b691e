using System.Runtime.CompilerServices;
using Hearth.Contracts;
using Hearth.Server.Backends;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Pipeline;

/// <summary>
/// Sits between budget and metering: records which model actually served the request as the ledger entry's route
/// (the <see cref="ServingModel"/>'s model id) and backend (<c>local</c> or <c>upstream:NAME</c>), and the model id the backend expects.
/// </summary>
internal sealed class RouteStampChatClient(IChatClient inner, ModelDescriptor model) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, Stamp(options), cancellationToken);

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var u in base.GetStreamingResponseAsync(messages, Stamp(options), cancellationToken).ConfigureAwait(false))
        {
            yield return u;
        }
    }

    /// <summary>The backend name recorded in ledger entries for <paramref name="model"/>.</summary>
    public static string BackendName(ModelDescriptor model) => model.Kind == BackendKind.Local ? "local" : "upstream:" + model.OwnedBy;

    private ChatOptions Stamp(ChatOptions? options)
    {
        var stamped = options?.Clone() ?? new ChatOptions();
        stamped.ModelId = model.RemoteId ?? model.Id;
        stamped.SetServingModel(new ServingModel(model.Id, BackendName(model)));
        return stamped;
    }
}

using System.Runtime.CompilerServices;
using Hearth.Routing;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Integration;

/// <summary>
/// The innermost stage of every model: a routing or residency decision made above the ledger travels down in
/// <c>ChatOptions.AdditionalProperties["hearth.reason"]</c>; this copies it onto the backend's response (or its first
/// streaming update) under the same key, unless the backend set one, so the metering stage above sees the reason of the
/// call it meters.
/// </summary>
internal sealed class DecisionEchoChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (Reason(options) is { } reason)
        {
            (response.AdditionalProperties ??= []).TryAdd(RoutingKeys.Reason, reason);
        }
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reason = Reason(options);
        await foreach (var u in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (reason is not null)
            {
                (u.AdditionalProperties ??= []).TryAdd(RoutingKeys.Reason, reason);
                reason = null;
            }
            yield return u;
        }
    }

    private static string? Reason(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(RoutingKeys.Reason, out var r) == true ? r as string : null;
}

using System.Runtime.CompilerServices;
using Hearth.Contracts;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Hybrid;

/// <summary>
/// The innermost stage of every model: a routing or residency decision made above the ledger travels down in
/// the options' <see cref="RoutingOutcome"/>; this copies its reason (and policy) onto the backend's response (or its first
/// streaming update), unless the backend set an outcome itself, so the metering stage above sees the reason of the call
/// it meters. Add it with <see cref="DecisionEchoChatClientBuilderExtensions.UseDecisionEcho"/>, below metering and right
/// above the backend. Never changes the options or the caller's outcome; stateless and thread-safe.
/// </summary>
public sealed class DecisionEchoChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (Reason(options) is { } reason)
        {
            if (response.GetRoutingOutcome() is null)
            {
                response.SetRoutingOutcome(reason);
            }
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
                if (u.GetRoutingOutcome() is null)
                {
                    u.SetRoutingOutcome(reason);
                }
                reason = null;
            }
            yield return u;
        }
    }

    /// <summary>The decision to echo: only its reason and policy (its backend, if any, named the router's choice above).</summary>
    private static RoutingOutcome? Reason(ChatOptions? options) =>
        options.GetRoutingOutcome() is { } o ? new RoutingOutcome(null, o.Reason, Policy: o.Policy) : null;
}

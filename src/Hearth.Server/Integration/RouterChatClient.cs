using System.Runtime.CompilerServices;
using Hearth.Contracts;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Integration;

/// <summary>
/// Wraps the <see cref="Hearth.Routing.Hybrid.HybridRouter"/>: copies its decision (the <see cref="RoutingOutcome"/>'s backend
/// and reason) to the <c>x-hearth-route</c> / <c>x-hearth-reason</c> response headers (non-ASCII characters become <c>?</c>, as
/// headers must be ASCII), and a failover to a local model (Degraded) to <c>x-hearth-degraded: true</c>.
/// </summary>
internal sealed class RouterChatClient(IChatClient router) : DelegatingChatClient(router)
{
    public const string RouteHeader = "x-hearth-route";
    public const string ReasonHeader = "x-hearth-reason";
    public const string DegradedHeader = "x-hearth-degraded";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        CopyDecision(response.GetRoutingOutcome(), response.AdditionalProperties ??= []);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var u in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (u.GetRoutingOutcome() is { } outcome)
            {
                CopyDecision(outcome, u.AdditionalProperties ??= []);
            }
            yield return u;
        }
    }

    private static void CopyDecision(RoutingOutcome? outcome, AdditionalPropertiesDictionary p)
    {
        if (outcome is null)
        {
            return;
        }
        if (outcome.Backend is { } r)
        {
            p[RouteHeader] = Ascii(r);
        }
        p[ReasonHeader] = Ascii(outcome.Reason);
        if (outcome.Degraded)
        {
            p[DegradedHeader] = "true";
        }
    }

    private static string Ascii(string s) => string.Create(s.Length, s, (span, text) =>
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            span[i] = c is >= ' ' and <= '~' ? c : '?';
        }
    });
}

using System.Runtime.CompilerServices;
using Hearth.Routing;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Integration;

/// <summary>
/// Wraps the <see cref="Hearth.Routing.Routing.HybridRouter"/>: copies its decision (<c>hearth.route</c>, <c>hearth.reason</c>)
/// to the <c>x-hearth-route</c> / <c>x-hearth-reason</c> response headers (non-ASCII characters become <c>?</c>, as headers must be ASCII),
/// and a failover to a local model (<c>hearth.degraded</c>) to <c>x-hearth-degraded: true</c>.
/// </summary>
internal sealed class RouterChatClient(IChatClient router) : DelegatingChatClient(router)
{
    public const string RouteHeader = "x-hearth-route";
    public const string ReasonHeader = "x-hearth-reason";
    public const string DegradedHeader = "x-hearth-degraded";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        CopyDecision(response.AdditionalProperties);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var u in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            CopyDecision(u.AdditionalProperties);
            yield return u;
        }
    }

    private static void CopyDecision(AdditionalPropertiesDictionary? p)
    {
        if (p is null)
        {
            return;
        }
        if (p.TryGetValue(RoutingKeys.Route, out var route) && route is string r)
        {
            p[RouteHeader] = Ascii(r);
        }
        if (p.TryGetValue(RoutingKeys.Reason, out var reason) && reason is string why)
        {
            p[ReasonHeader] = Ascii(why);
        }
        if (p.TryGetValue(RoutingKeys.Degraded, out var degraded) && degraded is true)
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

using Hearth.Contracts;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Cascade;

/// <summary>
/// A cascade as an <see cref="IChatClient"/>: the small client answers first; <see cref="CascadeVerifier"/> accepts that
/// answer or the original request is re-sent to the large client. The response carries a <see cref="RoutingOutcome"/>
/// (route and reason).
/// Streaming: buffered until verified — nothing is streamed before the verdict, then the chosen answer is replayed as
/// updates with route and reason on the first one (the cascade never falls back mid-stream). The first-line call asks for
/// token log-probabilities when the verifier has an <see cref="ILogProbSource"/>; they are removed again unless the caller
/// asked. The escalated call's options carry the verdict as their routing outcome's reason. Does not own (or dispose) the inner clients. Thread-safe if they are.
/// </summary>
public sealed class CascadeChatClient : IChatClient
{
    private readonly IChatClient _small;
    private readonly IChatClient? _large;
    private readonly CascadeVerifier _verifier;
    private readonly string _smallName;
    private readonly string _largeName;
    private readonly Func<Exception, string?>? _largeFailure;

    /// <param name="small">The first-line (local) model.</param>
    /// <param name="large">The escalation target, or null when escalation is not allowed (the small answer is returned with the reason).</param>
    /// <param name="verifier">The accept/escalate judge.</param>
    /// <param name="smallName">Backend name reported in the route.</param>
    /// <param name="largeName">Backend name reported in the route.</param>
    /// <param name="largeFailure">When set, an escalation that fails with an exception it describes (an availability failure
    /// of a remote large tier) keeps the small answer, its routing outcome marked degraded; other exceptions propagate.</param>
    public CascadeChatClient(IChatClient small, IChatClient? large, CascadeVerifier verifier, string smallName = "small", string largeName = "large",
        Func<Exception, string?>? largeFailure = null)
    {
        _small = small ?? throw new ArgumentNullException(nameof(small));
        _large = large;
        _verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
        _smallName = smallName;
        _largeName = largeName;
        _largeFailure = largeFailure;
    }

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var first = await _small.GetResponseAsync(list, _verifier.FirstLineOptions(options), cancellationToken).ConfigureAwait(false);
        var verdict = await _verifier.VerifyAsync(list, first, options, cancellationToken).ConfigureAwait(false);
        _verifier.ForgetUnrequested(first, options);
        if (verdict.Accept)
        {
            return Tag(first, _smallName, "cascade: accepted small answer (" + verdict.Reason + ")");
        }
        if (_large is null)
        {
            return Tag(first, _smallName, "cascade: verifier wanted escalation (" + verdict.Reason + ") but escalation is not allowed; small answer kept");
        }
        var reason = "cascade: escalated (" + verdict.Reason + ")";
        var escalated = options?.Clone() ?? new ChatOptions();
        escalated.SetRoutingOutcome((escalated.GetRoutingOutcome() ?? new RoutingOutcome(null, reason)) with { Reason = reason });
        string? failed = null;
        try
        {
            var second = await _large.GetResponseAsync(list, escalated, cancellationToken).ConfigureAwait(false);
            return Tag(second, _largeName, reason);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && (failed = _largeFailure?.Invoke(e)) is not null)
        {
            return Tag(first, _smallName, $"{reason}; degraded: '{_largeName}' unavailable ({failed}): small answer kept", degraded: true);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in Hybrid.ResponseReplay.ToUpdates(response))
        {
            yield return update;
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _small.GetService(serviceType, serviceKey);

    /// <inheritdoc/>
    public void Dispose()
    {
        // The inner clients are owned by whoever built the cascade.
    }

    internal static ChatResponse Tag(ChatResponse response, string route, string reason, bool degraded = false)
    {
        response.SetRoutingOutcome(new RoutingOutcome(route, reason, degraded, response.GetRoutingOutcome()?.Policy));
        return response;
    }
}

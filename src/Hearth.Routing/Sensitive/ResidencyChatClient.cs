using Hearth.Contracts;
using System.Runtime.CompilerServices;
using Hearth.Routing.Policies;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Sensitive;

/// <summary>A backend that runs on this node, which a residency stage may answer with instead of a remote one.</summary>
/// <param name="Name">Its name (model id), reported as the route.</param>
/// <param name="Client">Its client.</param>
public sealed record LocalBackend(string Name, IChatClient Client);

/// <summary>
/// Residency in front of ONE remote backend, whoever calls it (a named model, <c>/v1/completions</c>, the Ollama API or the
/// router): a confidential request — declared by the confidential flag of the request facts or a confidential API key,
/// or holding sensitive data in its messages or in the option text that leaves the node — is never sent as is.
/// <list type="bullet">
/// <item><see cref="ResidencyMode.KeepLocal"/>: answered by the local fallback instead; refused with
/// <see cref="ResidencyRefusedException"/> (listing the kinds, never the values) when there is none.</item>
/// <item><see cref="ResidencyMode.RedactAndEscalate"/>: detected data in redactable text (messages, instructions) is replaced
/// by placeholders, sent, and restored in the answer; declared requests, and data in tools, schemas or stop sequences, are
/// handled as <see cref="ResidencyMode.KeepLocal"/>.</item>
/// </list>
/// When it acts, the response (or, streaming, the first update) carries its <see cref="RoutingOutcome"/> (route and reason), and the reason is passed down in the options'
/// routing outcome.
/// Clean requests pass through untouched. Does not own the clients. Thread-safe if they are.
/// </summary>
public sealed class ResidencyChatClient : DelegatingChatClient
{
    private readonly string _remoteName;
    private readonly Func<LocalBackend?> _localFallback;
    private readonly SensitiveDataDetector _detector;
    private readonly ResidencyMode _mode;
    private readonly IReadOnlySet<string> _confidentialApiKeys;

    /// <param name="remote">The remote backend.</param>
    /// <param name="remoteName">Its name, for reasons and refusals.</param>
    /// <param name="localFallback">The local backend to answer instead (asked per request; null when there is none).</param>
    /// <param name="detector">The sensitive-data detector.</param>
    /// <param name="mode">What to do with detected data.</param>
    /// <param name="confidentialApiKeys">API key ids whose every request is declared confidential.</param>
    public ResidencyChatClient(IChatClient remote, string remoteName, Func<LocalBackend?> localFallback, SensitiveDataDetector detector, ResidencyMode mode,
        IReadOnlySet<string>? confidentialApiKeys = null)
        : base(remote)
    {
        _remoteName = remoteName ?? throw new ArgumentNullException(nameof(remoteName));
        _localFallback = localFallback ?? throw new ArgumentNullException(nameof(localFallback));
        _detector = detector ?? throw new ArgumentNullException(nameof(detector));
        _mode = mode;
        _confidentialApiKeys = confidentialApiKeys ?? new HashSet<string>();
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var plan = Plan(list, options);
        if (plan is null)
        {
            return await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        }
        var response = await plan.Value.Client.GetResponseAsync(list, plan.Value.Options, cancellationToken).ConfigureAwait(false);
        response.SetRoutingOutcome(Outcome(plan.Value, response.GetRoutingOutcome()));
        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var plan = Plan(list, options);
        if (plan is null)
        {
            await foreach (var u in base.GetStreamingResponseAsync(list, options, cancellationToken).ConfigureAwait(false))
            {
                yield return u;
            }
            yield break;
        }
        var first = true;
        await foreach (var u in plan.Value.Client.GetStreamingResponseAsync(list, plan.Value.Options, cancellationToken).ConfigureAwait(false))
        {
            if (first)
            {
                u.SetRoutingOutcome(Outcome(plan.Value, u.GetRoutingOutcome()));
                first = false;
            }
            yield return u;
        }
    }

    private readonly record struct Decision(IChatClient Client, ChatOptions Options, string Route, string Reason);

    /// <summary>Null: clean, send as asked. Otherwise where it goes instead and why.</summary>
    /// <exception cref="ResidencyRefusedException">Confidential and no local backend may answer it.</exception>
    private Decision? Plan(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        var s = RequestSensitivity.Assess(messages, options, _detector, _confidentialApiKeys);
        if (!s.Confidential)
        {
            return null;
        }
        if (_mode == ResidencyMode.RedactAndEscalate && s.Redactable)
        {
            var reason = $"residency: {s.Describe()}: redacted before sending to '{_remoteName}'";
            return new Decision(new RedactingChatClient(InnerClient, _detector), WithReason(options, reason, null), _remoteName, reason);
        }
        var local = _localFallback() ?? throw new ResidencyRefusedException(
            $"Refused: the request is confidential ({s.Describe()}) and model '{_remoteName}' is served beyond this node; no local model can answer it instead. " +
            "Remove the sensitive data, or install a local model.")
        {
            Kinds = [.. s.Kinds],
        };
        var why = $"residency: {s.Describe()}: kept local on '{local.Name}' instead of '{_remoteName}'";
        return new Decision(local.Client, WithReason(options, why, local.Name), local.Name, why);
    }

    private static ChatOptions WithReason(ChatOptions? options, string reason, string? modelId)
    {
        var o = options?.Clone() ?? new ChatOptions();
        if (modelId is not null)
        {
            o.ModelId = modelId;
        }
        o.SetRoutingOutcome((o.GetRoutingOutcome() ?? new RoutingOutcome(null, reason)) with { Reason = reason });
        return o;
    }

    /// <summary>The residency decision; a policy or degraded flag the answering backend reported is kept.</summary>
    private static RoutingOutcome Outcome(Decision d, RoutingOutcome? reported) => new(d.Route, d.Reason, reported?.Degraded ?? false, reported?.Policy);
}

using Hearth.Contracts;
using System.Globalization;
using System.Runtime.CompilerServices;
using Hearth.Routing.Carbon;
using Hearth.Routing.Cascade;
using Hearth.Routing.Features;
using Hearth.Routing.Learning;
using Hearth.Routing.Policies;
using Hearth.Routing.Sensitive;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Hybrid;

/// <summary>
/// The router as an <see cref="IChatClient"/>: resolves the policy (the request facts' policy, else the
/// API key's, else the default; bare <c>fixed</c> means the requested model of the request facts), detects sensitive
/// data in the messages and in the option text that leaves the node, chooses a backend, enforces residency, calls it with
/// the reason in the options, and tags the response (streaming: the first update) with its <see cref="RoutingOutcome"/>
/// (backend, reason, policy).
/// Residency: a confidential request (declared, or holding sensitive data) is never sent to a remote backend — it is
/// answered by the largest local backend, redacted first (<see cref="ResidencyMode.RedactAndEscalate"/>, detected data
/// only), or refused with <see cref="ResidencyRefusedException"/>. Every remote backend is also wrapped in a
/// <see cref="ResidencyGuardChatClient"/>, which fails closed if a decision were ever wrong.
/// Streaming: direct from the chosen backend, except cascades and redacted requests, which are buffered until complete.
/// Failover: when the policy chose a remote backend by itself (predictive, carbon-aware, cascade — not <c>fixed:…</c>,
/// which pins it) and that backend fails before its first token with an availability failure (the
/// <c>backendFailure</c> classifier, <see cref="BackendFailure.Default"/> unless the host gives one: connection refused,
/// 5xx, timeout, open circuit), the largest local backend answers instead; the response (streaming: its first update)
/// carries a routing outcome with Degraded = true and a reason naming the failed backend and why. A local answer never
/// breaks residency. A failure after the first token is passed on (never a second answer mid-stream), and so are errors
/// that are the caller's answer (rejected request, rate limit, budget, residency refusal) or come with no local backend.
/// A cascade whose escalation to a remote tier fails keeps the small answer, marked the same way.
/// Does not dispose the backend clients. Thread-safe if the backends are.
/// </summary>
public sealed class HybridRouter : IChatClient
{
    /// <summary>The model id that asks the router to choose (<c>model: "hearth/auto"</c>).</summary>
    public const string AutoModel = "hearth/auto";

    private readonly RoutingOptions _options;
    private readonly Dictionary<string, IChatClient> _clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly RouterModel? _predictive;
    private readonly double _predictiveThreshold;
    private readonly CascadeVerifier _verifier;
    private readonly ICarbonEstimate? _carbon;
    private readonly SensitiveDataDetector _detector;
    private readonly List<ResidencyGuardChatClient> _guards = [];
    private readonly Func<Exception, string?> _backendFailure;
    private long _failovers;

    /// <param name="options">Validated here (<see cref="RoutingOptions.Validate"/>).</param>
    /// <param name="backends">A client for every configured backend, by name.</param>
    /// <param name="predictive">The predictive model (needed by <c>predictive</c> and <c>carbon-aware</c>).</param>
    /// <param name="verifier">The cascade verifier (default: rule checks only).</param>
    /// <param name="carbon">Carbon estimates (needed by <c>carbon-aware</c>).</param>
    /// <param name="backendFailure">Classifies a remote backend's exception as an availability failure (a short description for the
    /// reason) or not (null); default <see cref="BackendFailure.Default"/>.</param>
    /// <exception cref="RoutingConfigurationException">Invalid options, a backend without a client, or a configured policy whose parts are missing.</exception>
    public HybridRouter(RoutingOptions options, IReadOnlyDictionary<string, IChatClient> backends, RouterModel? predictive = null, CascadeVerifier? verifier = null, ICarbonEstimate? carbon = null,
        Func<Exception, string?>? backendFailure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(backends);
        options.Validate();
        _options = options;
        _detector = new SensitiveDataDetector(options.Sensitive);
        foreach (var b in options.Backends)
        {
            if (!backends.TryGetValue(b.Name, out var client))
            {
                throw new RoutingConfigurationException($"Backend '{b.Name}' has no client. Clients given: {string.Join(", ", backends.Keys)}.");
            }
            if (b.IsLocal)
            {
                _clients[b.Name] = client;
            }
            else
            {
                var guard = new ResidencyGuardChatClient(client, _detector, b.Name, options.ConfidentialApiKeys);
                _guards.Add(guard);
                _clients[b.Name] = guard;
            }
        }
        if (predictive is not null && predictive.Kind != RouterKind.Predictive)
        {
            throw new RoutingConfigurationException("The predictive router model must be trained with --router predictive.");
        }
        _predictive = predictive;
        _predictiveThreshold = predictive?.ThresholdForEscalationShare(options.PredictiveEscalationShare) ?? double.PositiveInfinity;
        _verifier = verifier ?? new CascadeVerifier();
        _carbon = carbon;
        _backendFailure = backendFailure ?? BackendFailure.Default;
        foreach (var name in new[] { options.DefaultPolicy }.Concat(options.ApiKeyPolicies.Values))
        {
            var reason = Unavailable(options.ResolvePolicy(name));
            if (reason is not null)
            {
                throw new RoutingConfigurationException($"Policy '{name}' is configured but {reason}.");
            }
        }
    }

    /// <summary>Requests the residency guards refused (0 unless a routing decision was wrong).</summary>
    public long GuardBlockedCount => _guards.Sum(g => g.BlockedCount);

    /// <summary>Requests a local backend answered because the chosen remote backend was unavailable.</summary>
    public long FailoverCount => Interlocked.Read(ref _failovers);

    /// <summary>Decides where a request goes, without sending it.</summary>
    /// <exception cref="RoutingRequestException">Unknown or unavailable policy.</exception>
    /// <exception cref="ResidencyRefusedException">The request is confidential and only a remote backend could serve it.</exception>
    public async Task<RouteDecision> DecideAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        (await PlanAsync(messages as IReadOnlyList<ChatMessage> ?? messages.ToList(), options, cancellationToken).ConfigureAwait(false)).Decision;

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var plan = await PlanAsync(list, options, cancellationToken).ConfigureAwait(false);
        var (response, failedOver) = await CallAsync(plan, list, options, cancellationToken).ConfigureAwait(false);
        if (failedOver)
        {
            return response;
        }
        if (!plan.IsCascade)
        {
            response.SetRoutingOutcome(Outcome(plan.Decision, response.GetRoutingOutcome()));
        }
        else
        {
            TagCascade(response, plan);
        }
        return response;
    }

    private static void TagCascade(ChatResponse response, Plan plan)
    {
        var inner = response.GetRoutingOutcome();
        response.SetRoutingOutcome(new RoutingOutcome(
            inner?.Backend,
            inner is null ? plan.Decision.Reason : plan.Decision.Reason + "; " + inner.Reason,
            inner?.Degraded ?? false,
            plan.Decision.Policy));
    }

    /// <summary>The decision as reported on a response or update; a degraded flag the backend reported is kept.</summary>
    private static RoutingOutcome Outcome(RouteDecision decision, RoutingOutcome? reported) =>
        new(decision.Backend, decision.Reason, reported?.Degraded ?? false, decision.Policy);

    /// <summary>
    /// The options sent to the chosen backend: the decision travels with them (for the ledger entry's reason and policy —
    /// the policy that decided, also when it was the default or the API key's rather than one the request named).
    /// </summary>
    /// <param name="reason">The reason to record instead of the decision's (a failover's).</param>
    private static ChatOptions WithDecision(ChatOptions? options, RouteDecision decision, string? reason = null)
    {
        var o = options?.Clone() ?? new ChatOptions();
        o.SetRoutingOutcome(new RoutingOutcome(null, reason ?? decision.Reason, Policy: decision.Policy));
        return o;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var plan = await PlanAsync(list, options, cancellationToken).ConfigureAwait(false);
        if (plan.IsCascade)
        {
            var (response, failedOver) = await CallAsync(plan, list, options, cancellationToken).ConfigureAwait(false);
            if (!failedOver)
            {
                TagCascade(response, plan);
            }
            foreach (var u in ResponseReplay.ToUpdates(response))
            {
                yield return u;
            }
            yield break;
        }
        var updates = plan.Client.GetStreamingResponseAsync(list, WithDecision(options, plan.Decision), cancellationToken).GetAsyncEnumerator(cancellationToken);
        var disposed = false;
        try
        {
            string? failover = null;
            bool any;
            try
            {
                // Only the wait for the first update may fail over: nothing has been sent to the caller yet.
                any = await updates.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when ((failover = FailoverReason(plan, e, cancellationToken)) is not null)
            {
                any = false;
            }
            if (failover is not null)
            {
                disposed = true;
                await updates.DisposeAsync().ConfigureAwait(false);
                Interlocked.Increment(ref _failovers);
                var first = true;
                await foreach (var u in _clients[plan.FailoverTo!.Name].GetStreamingResponseAsync(list, WithDecision(options, plan.Decision, failover), cancellationToken).ConfigureAwait(false))
                {
                    if (first)
                    {
                        u.SetRoutingOutcome(Failover(plan, failover));
                        first = false;
                    }
                    yield return u;
                }
                yield break;
            }
            if (!any)
            {
                yield break;
            }
            var update = updates.Current;
            update.SetRoutingOutcome(Outcome(plan.Decision, update.GetRoutingOutcome()));
            yield return update;
            while (await updates.MoveNextAsync().ConfigureAwait(false))
            {
                yield return updates.Current;
            }
        }
        finally
        {
            if (!disposed)
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Calls the planned client; on an availability failure of its remote backend, the local failover backend instead.</summary>
    private async Task<(ChatResponse Response, bool FailedOver)> CallAsync(Plan plan, IReadOnlyList<ChatMessage> list, ChatOptions? options, CancellationToken cancellationToken)
    {
        string? failover = null;
        try
        {
            return (await plan.Client.GetResponseAsync(list, WithDecision(options, plan.Decision), cancellationToken).ConfigureAwait(false), false);
        }
        catch (Exception e) when ((failover = FailoverReason(plan, e, cancellationToken)) is not null)
        {
            Interlocked.Increment(ref _failovers);
            var response = await _clients[plan.FailoverTo!.Name].GetResponseAsync(list, WithDecision(options, plan.Decision, failover), cancellationToken).ConfigureAwait(false);
            response.SetRoutingOutcome(Failover(plan, failover));
            return (response, true);
        }
    }

    /// <summary>The reason of a failover, or null when this exception must reach the caller.</summary>
    private string? FailoverReason(Plan plan, Exception e, CancellationToken cancellationToken)
    {
        if (plan.FailoverTo is null || plan.Remote is null || cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        var why = _backendFailure(e);
        return why is null
            ? null
            : $"{plan.Decision.Reason}; degraded: '{plan.Remote}' unavailable ({why}): answered by local '{plan.FailoverTo.Name}'";
    }

    private static RoutingOutcome Failover(Plan plan, string reason) => new(plan.FailoverTo!.Name, reason, Degraded: true, plan.Decision.Policy);

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    /// <inheritdoc/>
    public void Dispose()
    {
        // Backend clients are owned by the caller.
    }

    /// <param name="Remote">The remote backend the client calls first (null when it is local).</param>
    /// <param name="FailoverTo">The local backend that answers when <paramref name="Remote"/> is unavailable (null: no failover).</param>
    private sealed record Plan(RouteDecision Decision, IChatClient Client, bool IsCascade, string? Remote = null, BackendOptions? FailoverTo = null);

    private sealed record Leg(BackendOptions Backend, IChatClient Client, string Note, bool Redacted);

    private async Task<Plan> PlanAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var facts = options.GetRequestFacts();
        var apiKey = facts.ApiKeyId;
        var requested = facts.Policy;
        var named = facts.RequestedModel;
        var policyText = !string.IsNullOrWhiteSpace(requested) ? requested
            : apiKey is not null && _options.ApiKeyPolicies.TryGetValue(apiKey, out var kp) ? kp
            : _options.DefaultPolicy;
        var policy = ResolveRequestPolicy(policyText!, named);
        var unavailable = Unavailable(policy);
        if (unavailable is not null)
        {
            throw new RoutingRequestException($"Policy '{policy}' cannot run here: {unavailable}.");
        }
        var sensitivity = RequestSensitivity.Assess(messages, options, _detector, _options.ConfidentialApiKeys);
        var prompt = ChatText.Prompt(messages);
        var plan = await PlanPolicyAsync(policy, sensitivity, prompt, options, cancellationToken).ConfigureAwait(false);
        if (named is not null && !(policy.Kind == PolicyKind.Fixed && string.Equals(policy.FixedBackend, named, StringComparison.OrdinalIgnoreCase)))
        {
            plan = plan with { Decision = plan.Decision with { Reason = plan.Decision.Reason + $"; named model '{named}' ignored (policy {policy} chooses)" } };
        }
        return plan;
    }

    /// <summary>Parses the request's policy; bare <c>fixed</c> means "the backend the request named as its model".</summary>
    private PolicyName ResolveRequestPolicy(string policyText, string? named)
    {
        if (string.Equals(policyText.Trim(), "fixed", StringComparison.OrdinalIgnoreCase))
        {
            if (named is null)
            {
                throw new RoutingRequestException(
                    $"Policy 'fixed' needs a backend: use fixed:<backend> or name the backend as the model. Known policies: {string.Join(", ", _options.KnownPolicies())}.");
            }
            if (_options.FindBackend(named) is null)
            {
                throw new RoutingRequestException(
                    $"Policy 'fixed' uses the named model '{named}', which is not a routing backend. Routing backends: {string.Join(", ", _options.Backends.Select(b => b.Name))}.");
            }
            policyText = "fixed:" + named;
        }
        try
        {
            return _options.ResolvePolicy(policyText);
        }
        catch (RoutingConfigurationException e)
        {
            throw new RoutingRequestException(e.Message, e);
        }
    }

    private async Task<Plan> PlanPolicyAsync(PolicyName policy, RequestSensitivity sensitivity, string prompt, ChatOptions? options, CancellationToken cancellationToken)
    {
        switch (policy.Kind)
        {
            case PolicyKind.Cascade:
                return CascadePlan(policy, sensitivity);
            case PolicyKind.LocalOnly:
                var local = LargestLocal() ?? throw new RoutingRequestException("Policy 'local-only' needs a local backend; none is configured.");
                return Single(policy, local, "local-only: largest local backend", sensitivity);
            case PolicyKind.Fixed:
                var fixedBackend = _options.FindBackend(policy.FixedBackend!)!;
                return Single(policy, fixedBackend, "fixed: " + fixedBackend.Name, sensitivity);
            case PolicyKind.Predictive:
                var (tier, why) = PredictTier(prompt);
                return Single(policy, TierBackend(tier), why, sensitivity);
            default:
                var (minTier, qualityWhy) = PredictTier(prompt);
                var candidates = _options.Backends.Where(b => b.Tier >= minTier).ToList();
                if (sensitivity.Confidential && candidates.Any(b => b.IsLocal))
                {
                    candidates = candidates.Where(b => b.IsLocal).ToList();
                }
                if (candidates.Count == 0)
                {
                    candidates = [TierBackend(minTier)];
                }
                var outputTokens = options?.MaxOutputTokens is int max and > 0 ? max : _options.ExpectedOutputTokens;
                var choice = await CarbonAwareSelector.ChooseAsync(candidates, _carbon!, Math.Max(1, prompt.Length / 4), outputTokens, cancellationToken).ConfigureAwait(false);
                return Single(policy, choice.Backend, qualityWhy + "; " + choice.Reason, sensitivity);
        }
    }

    private Plan Single(PolicyName policy, BackendOptions backend, string why, RequestSensitivity sensitivity)
    {
        var leg = ResolveLeg(backend, sensitivity)
            ?? throw Refuse(backend, sensitivity);
        var reason = leg.Note.Length > 0 ? why + "; " + leg.Note : why;
        var remote = leg.Backend.IsLocal ? null : leg.Backend.Name;
        return new Plan(new RouteDecision(policy.ToString(), leg.Backend.Name, reason, sensitivity.Confidential, leg.Redacted), leg.Client, false,
            remote, remote is null ? null : FailoverTarget(policy));
    }

    private Plan CascadePlan(PolicyName policy, RequestSensitivity sensitivity)
    {
        var smallBackend = TierBackend(ModelTier.Small);
        var small = ResolveLeg(smallBackend, sensitivity) ?? throw Refuse(smallBackend, sensitivity);
        var largeBackend = _options.Tiers.ContainsKey(ModelTier.Large) ? TierBackend(ModelTier.Large)
            : _options.Tiers.ContainsKey(ModelTier.Medium) ? TierBackend(ModelTier.Medium) : null;
        Leg? large = null;
        var notes = new List<string>();
        if (small.Note.Length > 0)
        {
            notes.Add(small.Note);
        }
        if (largeBackend is not null && !string.Equals(largeBackend.Name, small.Backend.Name, StringComparison.OrdinalIgnoreCase))
        {
            large = ResolveLeg(largeBackend, sensitivity);
            if (large is not null && string.Equals(large.Backend.Name, small.Backend.Name, StringComparison.OrdinalIgnoreCase))
            {
                // Residency fell back to the same local model: re-asking it is no escalation.
                large = null;
            }
            if (large is null)
            {
                notes.Add($"{sensitivity.Describe()}: escalation to '{largeBackend.Name}' not allowed");
            }
            else if (large.Note.Length > 0)
            {
                notes.Add("escalation " + large.Note);
            }
        }
        var client = new CascadeChatClient(small.Client, large?.Client, _verifier, small.Backend.Name, large?.Backend.Name ?? small.Backend.Name,
            large is not null && !large.Backend.IsLocal ? _backendFailure : null);
        var reason = notes.Count > 0 ? "cascade; " + string.Join("; ", notes) : "cascade";
        var remote = small.Backend.IsLocal ? null : small.Backend.Name;
        return new Plan(new RouteDecision(policy.ToString(), small.Backend.Name, reason, sensitivity.Confidential, (large?.Redacted ?? false) || small.Redacted), client, true,
            remote, remote is null ? null : FailoverTarget(policy));
    }

    // Null: the request must not go to this backend and no local backend can take it.
    private Leg? ResolveLeg(BackendOptions backend, RequestSensitivity sensitivity)
    {
        if (backend.IsLocal || !sensitivity.Confidential)
        {
            return new Leg(backend, _clients[backend.Name], string.Empty, false);
        }
        if (_options.Residency == ResidencyMode.RedactAndEscalate && sensitivity.Redactable)
        {
            return new Leg(backend, new RedactingChatClient(_clients[backend.Name], _detector), sensitivity.Describe() + ": redacted before escalation", true);
        }
        var local = LargestLocal();
        return local is null
            ? null
            : new Leg(local, _clients[local.Name], $"{sensitivity.Describe()}: kept local on '{local.Name}' instead of '{backend.Name}'", false);
    }

    private static ResidencyRefusedException Refuse(BackendOptions backend, RequestSensitivity sensitivity) =>
        new($"Refused: the request is confidential ({sensitivity.Describe()}) and only the remote backend '{backend.Name}' could serve it; no local backend is configured. Remove the sensitive data, or configure a local backend.")
        {
            Kinds = [.. sensitivity.Kinds],
        };

    private (ModelTier Tier, string Reason) PredictTier(string prompt)
    {
        var large = _options.Tiers.ContainsKey(ModelTier.Large) ? ModelTier.Large
            : _options.Tiers.ContainsKey(ModelTier.Medium) ? ModelTier.Medium : ModelTier.Small;
        if (_predictive is null)
        {
            return (ModelTier.Small, "no predictive model: small tier");
        }
        var score = _predictive.EscalationScore(prompt);
        var task = TaskTypeClassifier.Classify(prompt);
        var escalate = score >= _predictiveThreshold;
        var tier = escalate ? large : ModelTier.Small;
        return (tier, string.Create(CultureInfo.InvariantCulture,
            $"predictive: task {task}, score {score:F3} {(escalate ? ">=" : "<")} {_predictiveThreshold:F3} -> {tier.ToString().ToLowerInvariant()}"));
    }

    private BackendOptions TierBackend(ModelTier tier)
    {
        for (var t = tier; t >= ModelTier.Small; t--)
        {
            if (_options.Tiers.TryGetValue(t, out var name))
            {
                return _options.FindBackend(name)!;
            }
        }
        return _options.FindBackend(_options.Tiers[ModelTier.Small])!;
    }

    /// <summary>
    /// The local backend that may answer when the remote one the policy chose is down: the largest local one, for policies
    /// that choose by themselves. A <c>fixed:</c> policy pins its backend, so its failures reach the caller.
    /// </summary>
    private BackendOptions? FailoverTarget(PolicyName policy) => policy.Kind == PolicyKind.Fixed ? null : LargestLocal();

    private BackendOptions? LargestLocal() =>
        _options.Backends.Where(b => b.IsLocal).OrderByDescending(b => b.Tier).ThenBy(b => b.Name, StringComparer.Ordinal).FirstOrDefault();

    private string? Unavailable(PolicyName policy) => policy.Kind switch
    {
        PolicyKind.Predictive when _predictive is null => "no predictive router model is loaded",
        PolicyKind.CarbonAware when _carbon is null => "no carbon estimate source is configured",
        PolicyKind.LocalOnly when LargestLocal() is null => "no local backend is configured",
        _ => null,
    };
}

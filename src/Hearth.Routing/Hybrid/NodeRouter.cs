using Hearth.Contracts;
using Hearth.Routing.Backends;
using Hearth.Routing.Carbon;
using Hearth.Routing.Cascade;
using Hearth.Routing.Learning;
using Hearth.Routing.Policies;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Hybrid;

/// <summary>
/// The node's <c>hearth/auto</c> model: a <see cref="HybridRouter"/> over the host's own per-model pipelines
/// (<see cref="IRoutingBackends.GetChatClient"/>, so every routed request is budgeted and metered like a direct one). With a
/// <c>Routing</c> section the router is built once from it; without one, the default is policy <c>local-only</c> over the
/// local model files (smallest file = small tier, largest = large tier), rebuilt whenever the set of files changes. The
/// cascade's verifier is complete: token log-probabilities from the small model (<see cref="CascadeSignals.LogProbs"/>), the
/// embedded learned scorer (<see cref="EmbeddedRouters.Cascade"/>), and self-consistency samples drawn from the small tier
/// when it is a local model (<see cref="ClientSelfConsistencySampler"/>). Carbon-aware uses the given
/// <see cref="ICarbonEstimate"/>. When the upstream a policy chose is down (<see cref="IRoutingBackends.DescribeUnavailable"/>),
/// a local model answers and the routing outcome says Degraded. Thread-safe.
/// </summary>
public sealed class NodeRouter
{
    private readonly RoutingOptions? _configured;
    private readonly IRoutingBackends _backends;
    private readonly ICarbonEstimate? _carbon;
    private readonly CascadeSignals _cascade;
    private readonly Lock _lock = new();
    private (string Key, HybridRouter Router)? _current;

    /// <param name="configured">The <c>Routing</c> section, or null for the zero-configuration default.</param>
    /// <param name="backends">The host's models.</param>
    /// <param name="carbon">Carbon estimates for policy <c>carbon-aware</c>.</param>
    /// <param name="cascade">The cascade's log-probability signal; without it the verifier uses its other signals.</param>
    public NodeRouter(RoutingOptions? configured, IRoutingBackends backends, ICarbonEstimate? carbon = null, CascadeSignals? cascade = null)
    {
        _configured = configured;
        _backends = backends ?? throw new ArgumentNullException(nameof(backends));
        _carbon = carbon;
        _cascade = cascade ?? CascadeSignals.Default;
    }

    /// <summary>True when the API key has a policy in <c>Routing:ApiKeyPolicies</c> (its requests are routed whatever model they name).</summary>
    public bool HasKeyPolicy(string? keyId) => keyId is not null && _configured?.ApiKeyPolicies.ContainsKey(keyId) == true;

    /// <summary>The router last built (null before the first routed request); for tests and diagnostics.</summary>
    public HybridRouter? Current
    {
        get
        {
            lock (_lock)
            {
                return _current?.Router;
            }
        }
    }

    /// <summary>The model id that selects the router.</summary>
    public const string AutoModel = HybridRouter.AutoModel;

    /// <summary>True when <c>hearth/auto</c> can serve (a <c>Routing</c> section, or at least one local model).</summary>
    public bool IsAvailable => _configured is not null || _backends.LocalModels().Count > 0;

    /// <summary>
    /// The router. Its responses carry their <see cref="RoutingOutcome"/> (backend, reason, degraded); the edge turns it into
    /// headers.
    /// </summary>
    /// <exception cref="HearthRequestException"><see cref="RequestErrorKind.NotFound"/> when no backend exists for the router;
    /// <see cref="RequestErrorKind.Unavailable"/> when a configured backend's model is missing.</exception>
    public IChatClient GetClient()
    {
        var options = _configured ?? DefaultOptions();
        var key = string.Join("|", options.Backends.Select(b => b.Name)) + "#" + string.Join("|", options.Tiers.Select(t => t.Key + "=" + t.Value));
        lock (_lock)
        {
            if (_current is { } c && c.Key == key)
            {
                return c.Router;
            }
            var clients = new Dictionary<string, IChatClient>(StringComparer.OrdinalIgnoreCase);
            foreach (var b in options.Backends)
            {
                var model = _backends.Find(b.Name) ?? throw new HearthRequestException(RequestErrorKind.Unavailable,
                    $"Routing backend '{b.Name}' is not a model this node serves (check Routing:Backends and the models folder).", "model", "route_backend_missing");
                clients[b.Name] = _backends.GetChatClient(model);
            }
            var hybrid = new HybridRouter(options, clients, EmbeddedRouters.Predictive(), Verifier(options, clients), _carbon, _backends.DescribeUnavailable);
            _current = (key, hybrid);
            return hybrid;
        }
    }

    /// <summary>The cascade verifier with every signal the host provides.</summary>
    private CascadeVerifier Verifier(RoutingOptions options, Dictionary<string, IChatClient> clients)
    {
        var small = options.Tiers[ModelTier.Small];
        var smallIsLocal = _backends.Find(small)?.IsLocal == true;
        ISelfConsistencySampler? sampler = smallIsLocal && options.Cascade.SelfConsistencySamples > 0
            ? new ClientSelfConsistencySampler(clients[small], options.Cascade.SelfConsistencyTemperature)
            : null;
        return new CascadeVerifier(options.Cascade, EmbeddedRouters.Cascade(), _cascade.LogProbs(smallIsLocal), sampler);
    }

    /// <summary>The zero-configuration routing: <c>local-only</c> over the local files.</summary>
    /// <exception cref="HearthRequestException"><see cref="RequestErrorKind.NotFound"/> (code <c>model_not_found</c>) when there is no local file.</exception>
    public RoutingOptions DefaultOptions()
    {
        var locals = _backends.LocalModels().OrderBy(m => m.SizeBytes).ThenBy(m => m.Name, StringComparer.Ordinal).ToList();
        if (locals.Count == 0)
        {
            throw new HearthRequestException(RequestErrorKind.NotFound,
                "Model 'hearth/auto' needs a local model in the models folder or a Routing section in the configuration.", "model", "model_not_found");
        }
        var tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = locals[0].Name };
        if (locals.Count > 1)
        {
            tiers[ModelTier.Large] = locals[^1].Name;
        }
        return new RoutingOptions
        {
            Backends = [.. locals.Select(m => new BackendOptions(m.Name, m.Name == locals[^1].Name && locals.Count > 1 ? ModelTier.Large : ModelTier.Small, true))],
            Tiers = tiers,
            DefaultPolicy = "local-only",
        };
    }
}

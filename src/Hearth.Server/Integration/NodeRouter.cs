using Hearth.Routing;
using Hearth.Routing.Carbon;
using Hearth.Routing.Cascade;
using Hearth.Routing.Learning;
using Hearth.Routing.Policies;
using Hearth.Routing.Hybrid;
using Hearth.Server.Backends;
using Hearth.Server.Errors;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Integration;

/// <summary>
/// The node's <c>hearth/auto</c> model: a <see cref="HybridRouter"/> over the node's own per-model pipelines (so every routed
/// request is budgeted and metered like a direct one). With a <c>Routing</c> section the router is built once from it; without one,
/// the default is policy <c>local-only</c> over the local GGUF files (smallest file = small tier, largest = large tier), rebuilt
/// whenever the set of files changes. The cascade's verifier is complete: token log-probabilities from the small model
/// (<see cref="EngineLogProbSource"/>), the embedded learned scorer (<see cref="EmbeddedRouters.Cascade"/>), and
/// self-consistency samples drawn from the small tier when it is a local model (<see cref="ClientSelfConsistencySampler"/>).
/// Carbon-aware uses <see cref="NodeCarbonEstimate"/>. When the upstream a policy chose is down, a local model answers
/// (<see cref="UpstreamUnavailable"/>; header <c>x-hearth-degraded: true</c>).
/// </summary>
public sealed class NodeRouter
{
    private readonly RoutingOptions? _configured;
    private readonly ModelCatalog _catalog;
    private readonly ModelBackends _backends;
    private readonly ICarbonEstimate? _carbon;
    private readonly Lock _lock = new();
    private (string Key, IChatClient Client, HybridRouter Router)? _current;

    public NodeRouter(RoutingOptions? configured, ModelCatalog catalog, ModelBackends backends, ICarbonEstimate? carbon = null)
    {
        _configured = configured;
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _backends = backends ?? throw new ArgumentNullException(nameof(backends));
        _carbon = carbon;
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
    public const string AutoModel = Hearth.Routing.Hybrid.HybridRouter.AutoModel;

    /// <summary>True when <c>hearth/auto</c> can serve (a <c>Routing</c> section, or at least one local model).</summary>
    public bool IsAvailable => _configured is not null || _catalog.LocalModels().Any();

    /// <summary>The routing client (router + decision headers).</summary>
    /// <exception cref="ApiException">404 when no backend exists for the router; 503 when a configured backend's model is missing.</exception>
    public IChatClient GetClient()
    {
        var options = _configured ?? DefaultOptions();
        var key = string.Join("|", options.Backends.Select(b => b.Name)) + "#" + string.Join("|", options.Tiers.Select(t => t.Key + "=" + t.Value));
        lock (_lock)
        {
            if (_current is { } c && c.Key == key)
            {
                return c.Client;
            }
            var clients = new Dictionary<string, IChatClient>(StringComparer.OrdinalIgnoreCase);
            foreach (var b in options.Backends)
            {
                var model = _catalog.Find(b.Name) ?? throw new ApiException(503, "server_error",
                    $"Routing backend '{b.Name}' is not a model this node serves (check Routing:Backends and the models folder).", "model", "route_backend_missing");
                clients[b.Name] = _backends.GetChatClient(model);
            }
            var hybrid = new HybridRouter(options, clients, EmbeddedRouters.Predictive(), Verifier(options, clients), _carbon, UpstreamUnavailable);
            var router = new RouterChatClient(hybrid);
            _current = (key, router, hybrid);
            return router;
        }
    }

    /// <summary>
    /// An upstream failed without answering — refused or lost connection, a 5xx, a timeout, an open circuit (all
    /// <see cref="UpstreamException"/>: 502/503/504): <c>hearth/auto</c> may fail over to a local model. The reason gets the
    /// status and code only, never the upstream's error text. Rejections (4xx), rate limits and budgets are not failures.
    /// </summary>
    private static string? UpstreamUnavailable(Exception e) =>
        e is UpstreamException u ? $"{u.StatusCode} {u.Code}" : BackendFailure.Default(e);

    /// <summary>The cascade verifier with every signal the node can provide.</summary>
    private CascadeVerifier Verifier(RoutingOptions options, Dictionary<string, IChatClient> clients)
    {
        var small = options.Tiers[ModelTier.Small];
        var smallIsLocal = _catalog.Find(small)?.Kind == BackendKind.Local;
        ISelfConsistencySampler? sampler = smallIsLocal && options.Cascade.SelfConsistencySamples > 0
            ? new ClientSelfConsistencySampler(clients[small], options.Cascade.SelfConsistencyTemperature, [HearthChatProperties.Logprobs, HearthChatProperties.TopLogprobs])
            : null;
        return new CascadeVerifier(options.Cascade, EmbeddedRouters.Cascade(), new EngineLogProbSource(request: smallIsLocal), sampler);
    }

    /// <summary>The zero-configuration routing: <c>local-only</c> over the local files.</summary>
    public RoutingOptions DefaultOptions()
    {
        var locals = _catalog.LocalModels().OrderBy(m => m.SizeBytes).ThenBy(m => m.Id, StringComparer.Ordinal).ToList();
        if (locals.Count == 0)
        {
            throw new ApiException(404, "invalid_request_error",
                "Model 'hearth/auto' needs a local model in the models folder or a Routing section in the configuration.", "model", "model_not_found");
        }
        var tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = locals[0].Id };
        if (locals.Count > 1)
        {
            tiers[ModelTier.Large] = locals[^1].Id;
        }
        return new RoutingOptions
        {
            Backends = [.. locals.Select(m => new BackendOptions(m.Id, m.Id == locals[^1].Id && locals.Count > 1 ? ModelTier.Large : ModelTier.Small, true))],
            Tiers = tiers,
            DefaultPolicy = "local-only",
        };
    }
}

using Hearth.Routing.Policies;
using Hearth.Routing.Sensitive;
using Hearth.Server.Backends;
using Hearth.Server.Configuration;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Integration;

/// <summary>
/// Residency on every path that can leave the node. Two stages per upstream model (local models get neither):
/// <list type="number">
/// <item>outermost: <see cref="ResidencyChatClient"/> — a confidential request (declared by <c>x-hearth-confidential</c> or
/// a key in <c>Routing:ConfidentialApiKeys</c>, or holding detected sensitive data in messages or in the option text sent
/// upstream) is answered by the node's largest local model (the reason says so), redacted first where
/// <c>Routing:Residency</c> is <c>RedactAndEscalate</c>, or refused (403 <c>residency_refused</c>) when no local model exists;</item>
/// <item>innermost, right above the upstream connection: <see cref="ResidencyGuardChatClient"/>, which re-scans exactly
/// what is about to be sent and fails closed.</item>
/// </list>
/// Both use the <c>Routing</c> section's residency settings (defaults without one), so a named upstream model,
/// <c>/v1/completions</c>, the Ollama API and <c>hearth/auto</c> are all checked the same way.
/// </summary>
internal sealed class NodeResidency(HearthOptions options, ModelCatalog catalog, ModelBackends backends)
{
    private readonly RoutingOptions _routing = options.Routing ?? new RoutingOptions();
    private readonly SensitiveDataDetector _detector = new((options.Routing ?? new RoutingOptions()).Sensitive);

    /// <summary>The outer residency stage (outermost, so a request kept local is metered as the local model's); local models pass through.</summary>
    public IChatClient Entry(IChatClient inner, ModelDescriptor model) => model.Kind != BackendKind.Upstream
        ? inner
        : new RouterChatClient(new ResidencyChatClient(inner, model.Id, () => LocalFallback(_routing, catalog, backends), _detector, _routing.Residency,
            _routing.ConfidentialApiKeys));

    /// <summary>The fail-closed guard right above the backend (innermost); on every model it echoes a decision made above onto the response.</summary>
    public IChatClient Guard(IChatClient inner, ModelDescriptor model) => model.Kind != BackendKind.Upstream
        ? new DecisionEchoChatClient(inner)
        : new ResidencyGuardChatClient(new DecisionEchoChatClient(inner), _detector, model.Id, _routing.ConfidentialApiKeys);

    /// <summary>
    /// The local model that answers instead of an upstream: the largest-tier local routing backend that is a local file,
    /// else the largest local file; null when the node has none.
    /// </summary>
    public static LocalBackend? LocalFallback(RoutingOptions routing, ModelCatalog catalog, ModelBackends? backends)
    {
        if (backends is null)
        {
            return null;
        }
        var configured = routing.Backends.Where(b => b.IsLocal)
            .OrderByDescending(b => b.Tier).ThenBy(b => b.Name, StringComparer.Ordinal)
            .Select(b => catalog.Find(b.Name))
            .FirstOrDefault(m => m is { Kind: BackendKind.Local });
        var model = configured ?? catalog.LocalModels().Where(m => catalog.Find(m.Id)?.Kind == BackendKind.Local)
            .OrderByDescending(m => m.SizeBytes).ThenBy(m => m.Id, StringComparer.Ordinal).FirstOrDefault();
        return model is null ? null : new LocalBackend(model.Id, backends.GetChatClient(model));
    }
}

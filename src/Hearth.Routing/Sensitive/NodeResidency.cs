using Hearth.Routing.Backends;
using Hearth.Routing.Policies;

namespace Hearth.Routing.Sensitive;

/// <summary>
/// Residency on every path that can leave the node. Two stages per upstream model (local models get neither):
/// <list type="number">
/// <item>outermost (<see cref="ResidencyChatClientBuilderExtensions.UseResidencyEntry"/>): <see cref="ResidencyChatClient"/> —
/// a confidential request (declared by <c>x-hearth-confidential</c> or a key in <c>Routing:ConfidentialApiKeys</c>, or
/// holding detected sensitive data in messages or in the option text sent upstream) is answered by the node's largest local
/// model (<see cref="LocalFallback"/>; the reason says so), redacted first where <c>Routing:Residency</c> is
/// <c>RedactAndEscalate</c>, or refused (<see cref="ResidencyRefusedException"/>) when no local model exists;</item>
/// <item>innermost, right above the upstream connection (<see cref="ResidencyChatClientBuilderExtensions.UseResidencyGuard"/>):
/// <see cref="ResidencyGuardChatClient"/>, which re-scans exactly what is about to be sent and fails closed.</item>
/// </list>
/// Both use the <c>Routing</c> section's residency settings (defaults without one) and one detector, so a named upstream
/// model, <c>/v1/completions</c>, the Ollama API and <c>hearth/auto</c> are all checked the same way. Thread-safe.
/// </summary>
public sealed class NodeResidency
{
    private readonly IRoutingBackends _backends;

    /// <param name="routing">The <c>Routing</c> section, or null for the defaults.</param>
    /// <param name="backends">The host's models (the fallback is chosen among them per request).</param>
    public NodeResidency(RoutingOptions? routing, IRoutingBackends backends)
    {
        _backends = backends ?? throw new ArgumentNullException(nameof(backends));
        Routing = routing ?? new RoutingOptions();
        Detector = new SensitiveDataDetector(Routing.Sensitive);
    }

    /// <summary>The residency settings in force (mode, confidential keys, detector settings).</summary>
    public RoutingOptions Routing { get; }

    /// <summary>The detector both stages scan with.</summary>
    public SensitiveDataDetector Detector { get; }

    /// <summary>
    /// The local model that answers instead of an upstream: the largest-tier local routing backend that is a local model,
    /// else the largest local file (a file shadowed by an upstream alias excluded); null when the node has none.
    /// </summary>
    public LocalBackend? LocalFallback()
    {
        var configured = Routing.Backends.Where(b => b.IsLocal)
            .OrderByDescending(b => b.Tier).ThenBy(b => b.Name, StringComparer.Ordinal)
            .Select(b => _backends.Find(b.Name))
            .FirstOrDefault(m => m is { IsLocal: true });
        var model = configured ?? _backends.LocalModels().Where(m => _backends.Find(m.Name)?.IsLocal == true)
            .OrderByDescending(m => m.SizeBytes).ThenBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault();
        return model is null ? null : new LocalBackend(model.Name, _backends.GetChatClient(model));
    }
}

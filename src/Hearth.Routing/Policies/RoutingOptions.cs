using Hearth.Routing.Cascade;
using Hearth.Routing.Sensitive;

namespace Hearth.Routing.Policies;

/// <summary>
/// The router's configuration (immutable). <see cref="Validate"/> runs at startup: unknown policy or backend names fail
/// with the list of known ones.
/// </summary>
public sealed record RoutingOptions
{
    /// <summary>The backends the router may use.</summary>
    public IReadOnlyList<BackendOptions> Backends { get; init; } = [];

    /// <summary>Which backend serves each tier (small is required; medium and large are optional).</summary>
    public IReadOnlyDictionary<ModelTier, string> Tiers { get; init; } = new Dictionary<ModelTier, string>();

    /// <summary>Policy used when neither the request nor its API key names one.</summary>
    public string DefaultPolicy { get; init; } = "local-only";

    /// <summary>Policy per API key id.</summary>
    public IReadOnlyDictionary<string, string> ApiKeyPolicies { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>API key ids whose every request is confidential (never leaves the node).</summary>
    public IReadOnlySet<string> ConfidentialApiKeys { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>What happens to sensitive requests bound beyond the node.</summary>
    public ResidencyMode Residency { get; init; } = ResidencyMode.KeepLocal;

    /// <summary>Sensitive-data detector settings (configured terms and secret rules).</summary>
    public SensitiveDataOptions Sensitive { get; init; } = new();

    /// <summary>Share of requests the predictive router escalates (its threshold is calibrated for it on training data).</summary>
    public double PredictiveEscalationShare { get; init; } = 0.3;

    /// <summary>Output tokens assumed for a request without <c>max_tokens</c>, when the carbon-aware policy estimates its energy.</summary>
    public int ExpectedOutputTokens { get; init; } = 256;

    /// <summary>The cascade verifier's thresholds and self-consistency settings.</summary>
    public CascadeVerifierOptions Cascade { get; init; } = new();

    /// <summary>Sites named by <see cref="BackendOptions.Site"/> (other than <c>local</c>), for the carbon-aware policy.</summary>
    public IReadOnlyDictionary<string, SiteOptions> Sites { get; init; } = new Dictionary<string, SiteOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Policies configured by name (the default and every API key's), parsed.</summary>
    public IEnumerable<PolicyName> ConfiguredPolicies() => new[] { DefaultPolicy }.Concat(ApiKeyPolicies.Values).Select(ResolvePolicy);

    /// <summary>Looks up a backend by name (ordinal, case-insensitive).</summary>
    public BackendOptions? FindBackend(string name) =>
        Backends.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>All policy names that resolve with this configuration.</summary>
    public IReadOnlyList<string> KnownPolicies() =>
        [.. PolicyName.BuiltIn.Take(4), .. Backends.Select(b => "fixed:" + b.Name)];

    /// <summary>Parses a policy name against the configured backends.</summary>
    /// <exception cref="RoutingConfigurationException">The name is unknown; the message lists the known ones.</exception>
    public PolicyName ResolvePolicy(string name)
    {
        if (!PolicyName.TryParse(name, out var policy) || (policy.Value.Kind == PolicyKind.Fixed && FindBackend(policy.Value.FixedBackend!) is null))
        {
            throw new RoutingConfigurationException(
                $"Unknown routing policy '{name}'. Known policies: {string.Join(", ", KnownPolicies())}.");
        }
        return policy.Value;
    }

    /// <summary>Checks the whole configuration.</summary>
    /// <exception cref="RoutingConfigurationException">Something is unknown or missing; the message says what and lists the known names.</exception>
    public void Validate()
    {
        if (Backends.Count == 0)
        {
            throw new RoutingConfigurationException("No backends are configured.");
        }
        var duplicates = Backends.GroupBy(b => b.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (duplicates.Length > 0)
        {
            throw new RoutingConfigurationException($"Duplicate backend names: {string.Join(", ", duplicates)}.");
        }
        var known = string.Join(", ", Backends.Select(b => b.Name));
        if (!Tiers.ContainsKey(ModelTier.Small))
        {
            throw new RoutingConfigurationException("The 'small' tier must name a backend.");
        }
        foreach (var (tier, backend) in Tiers)
        {
            if (FindBackend(backend) is null)
            {
                throw new RoutingConfigurationException($"Tier '{tier}' names unknown backend '{backend}'. Known backends: {known}.");
            }
        }
        ResolvePolicy(DefaultPolicy);
        foreach (var (key, policy) in ApiKeyPolicies)
        {
            try
            {
                ResolvePolicy(policy);
            }
            catch (RoutingConfigurationException e)
            {
                throw new RoutingConfigurationException($"API key '{key}': {e.Message}", e);
            }
        }
        if (PredictiveEscalationShare is < 0 or > 1 || double.IsNaN(PredictiveEscalationShare))
        {
            throw new RoutingConfigurationException($"PredictiveEscalationShare {PredictiveEscalationShare} must be in [0, 1].");
        }
        if (ExpectedOutputTokens is < 1 or > 1_000_000)
        {
            throw new RoutingConfigurationException($"ExpectedOutputTokens {ExpectedOutputTokens} must be in 1..1000000.");
        }
        if (!Backends.Any(b => b.IsLocal) && ConfiguredPolicies().Any(p => p.Kind == PolicyKind.LocalOnly))
        {
            throw new RoutingConfigurationException("Policy 'local-only' is configured but no backend has IsLocal = true.");
        }
        try
        {
            Cascade.Validate();
        }
        catch (ArgumentException e)
        {
            throw new RoutingConfigurationException("Cascade: " + e.Message, e);
        }
        foreach (var (name, site) in Sites)
        {
            site.Validate(name);
        }
        try
        {
            Sensitive.Validate();
        }
        catch (ArgumentException e)
        {
            throw new RoutingConfigurationException("Sensitive-data settings: " + e.Message, e);
        }
    }
}

namespace Hearth.Routing.Policies;

/// <summary>
/// Where a backend's power comes from, for the carbon-aware policy (<see cref="BackendOptions.Site"/> names one).
/// Give either <see cref="Zone"/> or <see cref="GramsCo2ePerKwh"/>. The node's own site is <c>local</c> and is not configured
/// here: it is the ledger's zone and intensity source.
/// </summary>
public sealed record SiteOptions
{
    /// <summary>Grid zone (ISO 3166-1 alpha-3, e.g. <c>USA</c>, or <c>WOR</c>) whose annual intensity the ledger's zone table holds.</summary>
    public string? Zone { get; init; }

    /// <summary>A fixed grid intensity for the site, gCO2e/kWh (e.g. a provider's published figure).</summary>
    public double? GramsCo2ePerKwh { get; init; }

    /// <summary>Optional on-site generation signal: a URL answering <c>{"onsiteShare": 0.0..1.0}</c>; a share of 1 counts as renewable surplus.</summary>
    public Uri? OnSiteGenerationUrl { get; init; }

    /// <summary>Lifecycle intensity of the on-site generation, gCO2e/kWh (solar PV: 48).</summary>
    public double OnSiteGramsCo2ePerKwh { get; init; } = 48;

    /// <summary>The name of the node's own site.</summary>
    public const string LocalSite = "local";

    internal void Validate(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new RoutingConfigurationException("Sites: a site name is empty.");
        }
        if (string.Equals(name, LocalSite, StringComparison.OrdinalIgnoreCase))
        {
            throw new RoutingConfigurationException("Sites:local: 'local' is the node's own site (its intensity is the ledger's, Ledger:Zone / Ledger:Intensity); do not configure it here.");
        }
        if ((Zone is null) == (GramsCo2ePerKwh is null))
        {
            throw new RoutingConfigurationException($"Sites:{name}: give exactly one of Zone (e.g. USA) or GramsCo2ePerKwh.");
        }
        if (GramsCo2ePerKwh is { } g && (double.IsNaN(g) || g is < 0 or > 2000))
        {
            throw new RoutingConfigurationException($"Sites:{name}:GramsCo2ePerKwh {g} is outside [0, 2000].");
        }
        if (double.IsNaN(OnSiteGramsCo2ePerKwh) || OnSiteGramsCo2ePerKwh is < 0 or > 2000)
        {
            throw new RoutingConfigurationException($"Sites:{name}:OnSiteGramsCo2ePerKwh {OnSiteGramsCo2ePerKwh} is outside [0, 2000].");
        }
        if (OnSiteGenerationUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            throw new RoutingConfigurationException($"Sites:{name}:OnSiteGenerationUrl '{url}' is not an absolute http(s) URL.");
        }
    }
}

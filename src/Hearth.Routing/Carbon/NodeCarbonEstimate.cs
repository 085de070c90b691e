using Hearth.Ledger;
using Hearth.Ledger.Carbon;
using Hearth.Ledger.Data;
using Hearth.Ledger.Energy;
using Hearth.Routing.Backends;
using Hearth.Routing.Hybrid;
using Hearth.Routing.Policies;

namespace Hearth.Routing.Carbon;

/// <summary>
/// The node's <see cref="ICarbonEstimate"/> for the carbon-aware policy, from the ledger's own estimators:
/// <list type="bullet">
/// <item>energy on a <b>local</b> model: the ledger's CPU-time model (<see cref="CpuPowerModel.Joules"/>: W per core plus DRAM
/// for the model's resident GiB) for (prompt + output tokens) × CPU seconds per token, × the site PUE. The per-token figure
/// is the ledger's measurement of that model (the host's CPU-seconds-per-token figures); before its first request it is
/// the file size ÷ <see cref="AssumedBytesPerCpuSecond"/> (one read of the weights per token);</item>
/// <item>energy on an <b>upstream</b> model: the ledger's remote estimate (<see cref="RemoteEnergyEstimator"/>) from
/// the backend's <see cref="RoutingBackend.ActiveParamsBillions"/> (<c>Upstreams:N:ActiveParamsBillions</c>), the output
/// tokens and its <see cref="RoutingBackend.ProviderPue"/>;</item>
/// <item>intensity of the backend's site: <c>local</c> = the ledger's current reading for the node's zone (its configured
/// source); another site = <c>Routing:Sites:NAME</c> (a zone of the ledger's table, or a fixed figure), lowered by its on-site
/// share when it has a signal;</item>
/// <item>renewable surplus: the site's on-site generation signal reports a share of 1 (on-site power covers the whole load).</item>
/// </list>
/// </summary>
public sealed class NodeCarbonEstimate : ICarbonEstimate, IDisposable
{
    /// <summary>Prior for a local model not yet measured: bytes of weights read per CPU second (one full read per token).</summary>
    public const double AssumedBytesPerCpuSecond = 4.0 * (1L << 30);

    private readonly RoutingOptions _routing;
    private readonly LedgerNode _ledger;
    private readonly IRoutingBackends _backends;
    private readonly Func<string, double?> _cpuSecondsPerToken;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly OnSiteShareSignal? _localSignal;
    private readonly Dictionary<string, OnSiteShareSignal> _siteSignals = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="routing">The <c>Routing</c> section (sites and their on-site signals).</param>
    /// <param name="ledger">The node's ledger: CPU power model, site PUE, current intensity, intensity settings.</param>
    /// <param name="backends">The host's models.</param>
    /// <param name="cpuSecondsPerToken">The ledger's measured CPU seconds per token of a local model, or null before its first request.</param>
    /// <param name="time">Clock of the on-site signals' caches.</param>
    public NodeCarbonEstimate(RoutingOptions routing, LedgerNode ledger, IRoutingBackends backends, Func<string, double?> cpuSecondsPerToken, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(routing);
        ArgumentNullException.ThrowIfNull(ledger);
        _routing = routing;
        _ledger = ledger;
        _backends = backends ?? throw new ArgumentNullException(nameof(backends));
        _cpuSecondsPerToken = cpuSecondsPerToken ?? throw new ArgumentNullException(nameof(cpuSecondsPerToken));
        var intensity = ledger.Options.Intensity;
        if (intensity.OnSiteGenerationUrl is { } local)
        {
            _localSignal = new OnSiteShareSignal(OnSiteGenerationSource.HttpShare(_http, local), intensity.CacheDuration, intensity.RequestTimeout, time);
        }
        foreach (var (name, site) in routing.Sites)
        {
            if (site.OnSiteGenerationUrl is { } url)
            {
                _siteSignals[name] = new OnSiteShareSignal(OnSiteGenerationSource.HttpShare(_http, url), intensity.CacheDuration, intensity.RequestTimeout, time);
            }
        }
    }

    public async ValueTask<CarbonForecast> EstimateAsync(BackendOptions backend, int promptTokens, int outputTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var model = _backends.Find(backend.Name)
            ?? throw new RoutingRequestException($"carbon-aware: backend '{backend.Name}' is not a model this node serves.");
        var wattHours = model.IsLocal ? LocalWattHours(model, promptTokens + outputTokens) : RemoteWattHours(model, outputTokens);
        var (intensity, share) = await SiteAsync(backend, cancellationToken).ConfigureAwait(false);
        return new CarbonForecast(wattHours, intensity, share >= 1.0);
    }

    private double LocalWattHours(RoutingBackend model, int tokens)
    {
        var perToken = _cpuSecondsPerToken(model.Name) ?? model.SizeBytes / AssumedBytesPerCpuSecond;
        var joules = _ledger.Meter.CpuModel.Joules(perToken * Math.Max(1, tokens), model.SizeBytes / (double)(1L << 30));
        return joules / 3600.0 * _ledger.Options.SitePue;
    }

    private static double RemoteWattHours(RoutingBackend model, int outputTokens) =>
        RemoteEnergyEstimator.EstimateWattHours(model.ActiveParamsBillions, Math.Max(1, outputTokens), model.ProviderPue);

    private async ValueTask<(double GramsCo2ePerKwh, double? Share)> SiteAsync(BackendOptions backend, CancellationToken cancellationToken)
    {
        if (string.Equals(backend.Site, SiteOptions.LocalSite, StringComparison.OrdinalIgnoreCase))
        {
            // The ledger's reading already includes its own on-site adjustment when one is configured.
            var share = _localSignal is null ? null : await _localSignal.GetAsync(cancellationToken).ConfigureAwait(false);
            return (_ledger.Meter.Intensity.Current.GramsCo2ePerKwh, share);
        }
        if (!_routing.Sites.TryGetValue(backend.Site, out var site))
        {
            throw new RoutingRequestException(
                $"carbon-aware cannot estimate backend '{backend.Name}': its site '{backend.Site}' is not configured (set Routing:Sites:{backend.Site}:Zone or :GramsCo2ePerKwh).");
        }
        var grid = site.GramsCo2ePerKwh ?? ZoneTable.Default.Get(site.Zone!).GridGramsCo2ePerKwh;
        if (!_siteSignals.TryGetValue(backend.Site, out var signal) || await signal.GetAsync(cancellationToken).ConfigureAwait(false) is not { } s)
        {
            return (grid, null);
        }
        return ((grid * (1 - s)) + (site.OnSiteGramsCo2ePerKwh * s), s);
    }

    /// <summary>
    /// Startup checks (each problem names its key): site zones exist in the ledger's table; a backend marked local is not an
    /// upstream model; and when carbon-aware is a configured policy, every backend's site is <c>local</c> or configured and
    /// every remote backend is an upstream model (whose parameter count the remote estimate needs).
    /// </summary>
    /// <param name="routing">The <c>Routing</c> section.</param>
    /// <param name="upstreamModels">The names of the host's upstream models (<c>Upstreams:*:Models</c> aliases).</param>
    public static IEnumerable<string> Validate(RoutingOptions routing, IReadOnlySet<string> upstreamModels)
    {
        ArgumentNullException.ThrowIfNull(routing);
        ArgumentNullException.ThrowIfNull(upstreamModels);
        foreach (var (name, site) in routing.Sites)
        {
            if (site.Zone is { } zone && !ZoneTable.Default.TryGet(zone, out _))
            {
                yield return $"Routing:Sites:{name}:Zone '{zone}' is not in the ledger's zone table (use an ISO 3166-1 alpha-3 code such as USA, FRA, or WOR).";
            }
        }
        List<PolicyName> policies;
        try
        {
            policies = [.. routing.ConfiguredPolicies()];
        }
        catch (RoutingConfigurationException)
        {
            yield break; // reported by RoutingOptions.Validate
        }
        var carbonAware = policies.Any(p => p.Kind == PolicyKind.CarbonAware);
        for (var i = 0; i < routing.Backends.Count; i++)
        {
            var b = routing.Backends[i];
            var upstream = upstreamModels.Contains(b.Name);
            if (b.IsLocal && upstream)
            {
                yield return $"Routing:Backends:{i} '{b.Name}' is an upstream model (Upstreams:*:Models) but IsLocal is true; set IsLocal to false (data sent to it leaves the node).";
            }
            if (!carbonAware)
            {
                continue;
            }
            if (!string.Equals(b.Site, SiteOptions.LocalSite, StringComparison.OrdinalIgnoreCase) && !routing.Sites.ContainsKey(b.Site))
            {
                yield return $"Routing:Backends:{i} '{b.Name}': site '{b.Site}' is not in Routing:Sites; policy carbon-aware needs its intensity (set Routing:Sites:{b.Site}:Zone or :GramsCo2ePerKwh).";
            }
            if (!b.IsLocal && !upstream)
            {
                yield return $"Routing:Backends:{i} '{b.Name}' is remote but not an upstream model (Upstreams:*:Models); policy carbon-aware cannot estimate its energy.";
            }
        }
    }

    public void Dispose() => _http.Dispose();
}

using Hearth.Ledger.Options;

namespace Hearth.Ledger.Carbon;

/// <summary>Builds the configured source: live source → on-site adjustment → cache → fallback to static.</summary>
public static class IntensitySourceFactory
{
    /// <summary>Creates the source for <paramref name="options"/>; <paramref name="http"/> is required for the HTTP kinds.</summary>
    public static ICarbonIntensitySource Create(IntensitySourceOptions options, string zone, HttpClient? http, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var staticSource = new StaticZoneIntensitySource();
        ICarbonIntensitySource primary = options.Kind switch
        {
            IntensitySourceKinds.Static => staticSource,
            IntensitySourceKinds.TimeSeriesFile => new TimeSeriesFileIntensitySource(options.FilePath
                ?? throw new LedgerConfigurationException("Intensity.FilePath: required for kind timeseries-file.")),
            IntensitySourceKinds.CarbonAwareWebApi => new CarbonAwareWebApiSource(RequireHttp(http, options.Kind), options.BaseAddress
                ?? throw new LedgerConfigurationException("Intensity.BaseAddress: required for kind carbon-aware-webapi.")),
            IntensitySourceKinds.ElectricityMaps => new ElectricityMapsSource(RequireHttp(http, options.Kind), options.BaseAddress
                ?? throw new LedgerConfigurationException("Intensity.BaseAddress: required for kind electricitymaps."), options.ApiToken ?? ""),
            _ => throw new LedgerConfigurationException(
                $"Intensity.Kind: unknown '{options.Kind}' (known: {string.Join(", ", IntensitySourceKinds.All)})."),
        };
        if (options.OnSiteGenerationUrl is { } url)
        {
            primary = new OnSiteGenerationSource(primary, OnSiteGenerationSource.HttpShare(RequireHttp(http, "on-site generation"), url), options.OnSiteGramsCo2ePerKwh);
        }
        if (ReferenceEquals(primary, staticSource))
        {
            return staticSource;
        }
        var cached = new CachingIntensitySource(primary, options.CacheDuration, time);
        return new FallbackIntensitySource(cached, staticSource, zone, options.RequestTimeout);
    }

    private static HttpClient RequireHttp(HttpClient? http, string kind) =>
        http ?? throw new LedgerConfigurationException($"Intensity: an HttpClient is required for {kind}.");
}

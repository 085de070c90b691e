namespace Hearth.Ledger.Options;

/// <summary>Names of the carbon-intensity source kinds configuration may select.</summary>
public static class IntensitySourceKinds
{
    public const string Static = "static";
    public const string TimeSeriesFile = "timeseries-file";
    public const string CarbonAwareWebApi = "carbon-aware-webapi";
    public const string ElectricityMaps = "electricitymaps";

    /// <summary>Every known kind, for error messages.</summary>
    public static readonly IReadOnlyList<string> All = [Static, TimeSeriesFile, CarbonAwareWebApi, ElectricityMaps];
}

/// <summary>Which carbon-intensity source to use; live sources are cached and fall back to the static figure on failure.</summary>
public sealed record IntensitySourceOptions
{
    /// <summary>One of <see cref="IntensitySourceKinds.All"/>.</summary>
    public string Kind { get; init; } = IntensitySourceKinds.Static;

    /// <summary>For <c>timeseries-file</c>: path of a Carbon Aware SDK JSON file.</summary>
    public string? FilePath { get; init; }

    /// <summary>For the HTTP sources: base address (e.g. <c>http://localhost:5073</c>).</summary>
    public Uri? BaseAddress { get; init; }

    /// <summary>For Electricity Maps: the auth token.</summary>
    public string? ApiToken { get; init; }

    /// <summary>Location name the live source knows (e.g. <c>eastus</c> or <c>DE</c>); defaults to the zone.</summary>
    public string? Location { get; init; }

    /// <summary>How long a live reading is reused.</summary>
    public TimeSpan CacheDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Timeout of one live request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Optional on-site generation signal: URL returning JSON <c>{"onsiteShare": 0.4}</c>.</summary>
    public Uri? OnSiteGenerationUrl { get; init; }

    /// <summary>Lifecycle intensity of the on-site generation, gCO2e/kWh (solar PV: 48, per the CodeCarbon per-source table).</summary>
    public double OnSiteGramsCo2ePerKwh { get; init; } = 48;

    internal void Validate(List<string> errors)
    {
        if (!IntensitySourceKinds.All.Contains(Kind))
        {
            errors.Add($"Intensity.Kind: unknown '{Kind}' (known: {string.Join(", ", IntensitySourceKinds.All)}).");
        }
        if (Kind == IntensitySourceKinds.TimeSeriesFile && string.IsNullOrWhiteSpace(FilePath))
        {
            errors.Add("Intensity.FilePath: required for kind timeseries-file.");
        }
        if ((Kind == IntensitySourceKinds.CarbonAwareWebApi || Kind == IntensitySourceKinds.ElectricityMaps) && BaseAddress is null)
        {
            errors.Add($"Intensity.BaseAddress: required for kind {Kind}.");
        }
        if (Kind == IntensitySourceKinds.ElectricityMaps && string.IsNullOrWhiteSpace(ApiToken))
        {
            errors.Add("Intensity.ApiToken: required for kind electricitymaps.");
        }
        if (CacheDuration < TimeSpan.Zero)
        {
            errors.Add("Intensity.CacheDuration: must not be negative.");
        }
        if (RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add("Intensity.RequestTimeout: must be positive.");
        }
        LedgerOptions.Range(errors, "Intensity.OnSiteGramsCo2ePerKwh", OnSiteGramsCo2ePerKwh, 0, 2000);
    }
}

namespace Hearth.Ledger.Carbon;

/// <summary>
/// Client of Electricity Maps' API: <c>GET /v3/carbon-intensity/latest?zone=X</c> with header <c>auth-token</c>,
/// reading <c>carbonIntensity</c> (gCO2e/kWh, lifecycle) and <c>datetime</c>.
/// </summary>
public sealed class ElectricityMapsSource : ICarbonIntensitySource
{
    private const int MaxResponseBytes = 1 << 20;
    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly string _token;

    public ElectricityMapsSource(HttpClient http, Uri baseAddress, string apiToken)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _base = baseAddress ?? throw new ArgumentNullException(nameof(baseAddress));
        ArgumentException.ThrowIfNullOrWhiteSpace(apiToken);
        _token = apiToken;
    }

    public string Name => "electricitymaps";

    public async Task<IntensityReading> GetIntensityAsync(string location, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var url = new Uri(_base, $"v3/carbon-intensity/latest?zone={Uri.EscapeDataString(location)}");
        using var doc = await HttpJson.GetAsync(_http, url, _token, MaxResponseBytes, cancellationToken).ConfigureAwait(false)
            ?? throw new IntensityUnavailableException($"Electricity Maps returned no content for zone '{location}'.");
        var value = HttpJson.Number(doc.RootElement, "carbonIntensity", url);
        var time = HttpJson.Time(doc.RootElement, "datetime", url);
        _ = at;
        return new IntensityReading(value, $"electricitymaps:{location}", time, TimeSpan.FromHours(1));
    }
}

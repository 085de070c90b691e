using System.Globalization;
using System.Text.Json;

namespace Hearth.Ledger.Carbon;

/// <summary>
/// Client of a Carbon Aware SDK WebAPI deployment: <c>GET /emissions/bylocations?location=X&amp;time=..&amp;toTime=..</c>
/// (measured/historical points <c>{location, time, rating, duration}</c>); when that returns nothing, the first point
/// of <c>GET /emissions/forecasts/current?location=X</c> (<c>[{forecastData: [{timestamp, duration, value}]}]</c>).
/// </summary>
public sealed class CarbonAwareWebApiSource : ICarbonIntensitySource
{
    private const int MaxResponseBytes = 4 << 20;
    private readonly HttpClient _http;
    private readonly Uri _base;

    /// <summary>Uses <paramref name="http"/> (caller owns it) against <paramref name="baseAddress"/>.</summary>
    public CarbonAwareWebApiSource(HttpClient http, Uri baseAddress)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _base = baseAddress ?? throw new ArgumentNullException(nameof(baseAddress));
    }

    public string Name => "carbon-aware-webapi";

    public async Task<IntensityReading> GetIntensityAsync(string location, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var from = at.AddHours(-2).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var to = at.AddMinutes(1).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var url = new Uri(_base, $"emissions/bylocations?location={Uri.EscapeDataString(location)}&time={from}&toTime={to}");
        using (var doc = await HttpJson.GetAsync(_http, url, null, MaxResponseBytes, cancellationToken).ConfigureAwait(false))
        {
            if (doc is not null && doc.RootElement.ValueKind == JsonValueKind.Array)
            {
                IntensityReading? best = null;
                foreach (var el in doc.RootElement.EnumerateArray())
                {
                    var time = HttpJson.Time(el, "time", url);
                    var rating = HttpJson.Number(el, "rating", url);
                    var duration = HttpJson.OptionalDuration(el, "duration") ?? TimeSpan.FromHours(1);
                    if (time <= at && (best is null || time > best.ValidFrom))
                    {
                        best = new IntensityReading(rating, $"carbon-aware-webapi:{location}", time, duration);
                    }
                }
                if (best is not null)
                {
                    return best;
                }
            }
        }
        var forecastUrl = new Uri(_base, $"emissions/forecasts/current?location={Uri.EscapeDataString(location)}");
        using var forecast = await HttpJson.GetAsync(_http, forecastUrl, null, MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        if (forecast is not null && forecast.RootElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var f in forecast.RootElement.EnumerateArray())
            {
                if (f.ValueKind == JsonValueKind.Object && f.TryGetProperty("forecastData", out var data) && data.ValueKind == JsonValueKind.Array)
                {
                    foreach (var p in data.EnumerateArray())
                    {
                        var time = HttpJson.Time(p, "timestamp", forecastUrl);
                        var value = HttpJson.Number(p, "value", forecastUrl);
                        var duration = HttpJson.OptionalDuration(p, "duration") ?? TimeSpan.FromMinutes(5);
                        return new IntensityReading(value, $"carbon-aware-webapi-forecast:{location}", time, duration);
                    }
                }
            }
        }
        throw new IntensityUnavailableException($"Carbon Aware WebAPI at {_base} has no data for '{location}' around {at:O}.");
    }
}

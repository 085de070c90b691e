using System.Globalization;
using System.Text.Json;

namespace Hearth.Ledger.Carbon;

/// <summary>
/// Lowers the grid intensity by the share of the site's power that on-site generation supplies right now:
/// <c>I_eff = I_grid × (1 − s) + I_onsite × s</c>, with <c>s</c> read from a JSON endpoint returning
/// <c>{"onsiteShare": 0.0..1.0}</c>. If the signal fails, the grid figure is used unchanged (never lowered on a guess).
/// </summary>
public sealed class OnSiteGenerationSource : ICarbonIntensitySource
{
    private readonly ICarbonIntensitySource _grid;
    private readonly Func<CancellationToken, Task<double>> _share;
    private readonly double _onsiteIntensity;

    /// <summary>Wraps <paramref name="grid"/> with a share read by <paramref name="readShare"/>.</summary>
    public OnSiteGenerationSource(ICarbonIntensitySource grid, Func<CancellationToken, Task<double>> readShare, double onsiteGramsCo2ePerKwh)
    {
        _grid = grid ?? throw new ArgumentNullException(nameof(grid));
        _share = readShare ?? throw new ArgumentNullException(nameof(readShare));
        _onsiteIntensity = onsiteGramsCo2ePerKwh;
    }

    /// <summary>Reads the share from <paramref name="url"/> with <paramref name="http"/>.</summary>
    public static Func<CancellationToken, Task<double>> HttpShare(HttpClient http, Uri url) => async ct =>
    {
        using var doc = await HttpJson.GetAsync(http, url, null, 64 * 1024, ct).ConfigureAwait(false)
            ?? throw new IntensityUnavailableException($"On-site generation signal {url} returned no content.");
        var s = HttpJson.Number(doc.RootElement, "onsiteShare", url);
        return s <= 1 ? s : throw new InvalidDataException($"{url}: onsiteShare {s} is above 1.");
    };

    public string Name => _grid.Name + "+onsite";

    public async Task<IntensityReading> GetIntensityAsync(string location, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var grid = await _grid.GetIntensityAsync(location, at, cancellationToken).ConfigureAwait(false);
        double share;
        try
        {
            share = Math.Clamp(await _share(cancellationToken).ConfigureAwait(false), 0, 1);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidDataException or IntensityUnavailableException or JsonException
                                       or (TaskCanceledException and not OperationCanceledException { CancellationToken.IsCancellationRequested: true }))
        {
            return grid;
        }
        var effective = (grid.GramsCo2ePerKwh * (1 - share)) + (_onsiteIntensity * share);
        return grid with
        {
            GramsCo2ePerKwh = effective,
            Source = string.Create(CultureInfo.InvariantCulture, $"{grid.Source}+onsite:{share:0.###}"),
        };
    }
}

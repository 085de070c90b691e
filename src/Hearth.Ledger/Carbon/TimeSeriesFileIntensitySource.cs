using System.Globalization;
using System.Text.Json;

namespace Hearth.Ledger.Carbon;

/// <summary>
/// Hourly (or any interval) intensity from a file in the Carbon Aware SDK JSON data-source format: an array of
/// <c>{"Location": "...", "Time": "ISO-8601", "Rating": gCO2e/kWh, "Duration": "hh:mm[:ss]"}</c>.
/// The file is read once, at construction; at most 64 MiB.
/// </summary>
public sealed class TimeSeriesFileIntensitySource : ICarbonIntensitySource
{
    private const long MaxFileBytes = 64L << 20;
    private readonly Dictionary<string, Point[]> _byLocation;
    private readonly string _path;

    public TimeSeriesFileIntensitySource(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"Intensity time-series file '{path}' does not exist.", path);
        }
        if (info.Length > MaxFileBytes)
        {
            throw new InvalidDataException($"Intensity time-series file '{path}' is {info.Length} bytes; the limit is {MaxFileBytes}.");
        }
        _byLocation = Parse(File.ReadAllBytes(path), path);
    }

    public string Name => "timeseries-file";

    /// <summary>Locations present in the file.</summary>
    public IReadOnlyCollection<string> Locations => _byLocation.Keys;

    public Task<IntensityReading> GetIntensityAsync(string location, DateTimeOffset at, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_byLocation.TryGetValue(location, out var points))
        {
            throw new IntensityUnavailableException($"{_path}: no series for location '{location}' (have: {string.Join(", ", _byLocation.Keys.Take(10))}).");
        }
        // Last point starting at or before 'at'.
        int lo = 0, hi = points.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (points[mid].Start <= at)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        if (found < 0 || at >= points[found].Start + points[found].Duration)
        {
            throw new IntensityUnavailableException(string.Create(CultureInfo.InvariantCulture, $"{_path}: no point for '{location}' covering {at:O}."));
        }
        var p = points[found];
        return Task.FromResult(new IntensityReading(p.Rating, $"timeseries-file:{location}", p.Start, p.Duration));
    }

    internal static Dictionary<string, Point[]> Parse(byte[] json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not valid JSON: {ex.Message}", ex);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{source}: expected a JSON array of emissions points.");
            }
            var lists = new Dictionary<string, List<Point>>(StringComparer.OrdinalIgnoreCase);
            var i = 0;
            foreach (var el in doc.RootElement.EnumerateArray())
            {
                var loc = Str(el, "Location", source, i);
                var timeText = Str(el, "Time", source, i);
                if (!DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                {
                    throw new InvalidDataException($"{source}: element {i}: Time '{timeText}' is not an ISO-8601 time.");
                }
                if (!TryGet(el, "Rating", out var ratingEl) || ratingEl.ValueKind != JsonValueKind.Number || !ratingEl.TryGetDouble(out var rating) || rating < 0)
                {
                    throw new InvalidDataException($"{source}: element {i}: Rating must be a non-negative number (gCO2e/kWh).");
                }
                var durText = TryGet(el, "Duration", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "01:00";
                if (!TimeSpan.TryParse(durText, CultureInfo.InvariantCulture, out var dur) || dur <= TimeSpan.Zero)
                {
                    throw new InvalidDataException($"{source}: element {i}: Duration '{durText}' is not a positive hh:mm[:ss].");
                }
                if (!lists.TryGetValue(loc, out var list))
                {
                    lists[loc] = list = [];
                }
                list.Add(new Point(time, rating, dur));
                i++;
            }
            return lists.ToDictionary(kv => kv.Key, kv => kv.Value.OrderBy(p => p.Start).ToArray(), StringComparer.OrdinalIgnoreCase);
        }
    }

    private static bool TryGet(JsonElement el, string name, out JsonElement value)
    {
        if (el.ValueKind != JsonValueKind.Object)
        {
            value = default;
            return false;
        }
        foreach (var p in el.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = p.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    private static string Str(JsonElement el, string name, string source, int i) =>
        el.ValueKind == JsonValueKind.Object && TryGet(el, name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new InvalidDataException($"{source}: element {i}: missing string field '{name}'.");

    internal readonly record struct Point(DateTimeOffset Start, double Rating, TimeSpan Duration);
}

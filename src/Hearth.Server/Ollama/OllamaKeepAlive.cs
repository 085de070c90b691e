using System.Globalization;
using System.Text.Json;
using Hearth.Server.Errors;

namespace Hearth.Server.Ollama;

/// <summary>
/// Ollama's <c>keep_alive</c>: a number of seconds or a Go duration string (<c>"5m"</c>, <c>"1h30m"</c>, <c>"90s"</c>,
/// <c>"500ms"</c>, or a bare number); 0 unloads the model after the request, a negative value keeps it loaded until the node stops.
/// </summary>
internal static class OllamaKeepAlive
{
    /// <summary>Forever (a negative <c>keep_alive</c>).</summary>
    public static readonly TimeSpan Forever = Timeout.InfiniteTimeSpan;

    private static readonly TimeSpan Longest = TimeSpan.FromDays(3650);

    /// <summary>Null when absent; <see cref="Forever"/> when negative.</summary>
    /// <exception cref="ApiException">400 naming <c>keep_alive</c> when the value is not a duration.</exception>
    public static TimeSpan? Parse(JsonElement? value)
    {
        if (value is not { } v || v.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }
        double seconds;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var n) && double.IsFinite(n))
        {
            seconds = n;
        }
        else if (v.ValueKind == JsonValueKind.String && TryParseDuration(v.GetString()!, out var parsed))
        {
            seconds = parsed;
        }
        else
        {
            throw ApiException.InvalidParameter("keep_alive",
                $"'keep_alive' is {v.GetRawText()}; expected seconds (e.g. 300), a duration (\"5m\", \"1h30m\", \"500ms\"), 0 to unload after the request, or a negative value to keep the model loaded.");
        }
        if (seconds < 0)
        {
            return Forever;
        }
        return seconds >= Longest.TotalSeconds ? Longest : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Go's <c>time.ParseDuration</c> subset Ollama users write: signed, units h, m, s, ms, us/µs, ns; a bare number is seconds.</summary>
    private static bool TryParseDuration(string text, out double seconds)
    {
        seconds = 0;
        var s = text.Trim();
        if (s.Length == 0 || s.Length > 64)
        {
            return false;
        }
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) && double.IsFinite(seconds))
        {
            return true;
        }
        var sign = 1.0;
        var i = 0;
        if (s[0] is '-' or '+')
        {
            sign = s[0] == '-' ? -1 : 1;
            i = 1;
        }
        var total = 0.0;
        var any = false;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }
            if (i == start || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }
            var factor = s[unitStart..i] switch
            {
                "h" => 3600.0,
                "m" => 60.0,
                "s" => 1.0,
                "ms" => 1e-3,
                "us" or "µs" => 1e-6,
                "ns" => 1e-9,
                _ => double.NaN,
            };
            if (double.IsNaN(factor))
            {
                return false;
            }
            total += amount * factor;
            any = true;
        }
        seconds = sign * total;
        return any && double.IsFinite(seconds);
    }
}

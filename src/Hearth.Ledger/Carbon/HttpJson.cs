using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Hearth.Ledger.Carbon;

/// <summary>Bounded JSON GETs for the live intensity clients (JSON stays in this folder).</summary>
internal static class HttpJson
{
    /// <summary>GETs <paramref name="url"/>; null on 204; throws <see cref="HttpRequestException"/> on other non-success codes.</summary>
    public static async Task<JsonDocument?> GetAsync(HttpClient http, Uri url, string? authToken, int maxBytes, CancellationToken ct)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, url);
        req.Headers.Accept.ParseAdd("application/json");
        if (authToken is not null)
        {
            req.Headers.TryAddWithoutValidation("auth-token", authToken);
        }
        using var resp = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (resp.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }
        if (!resp.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {url.GetLeftPart(UriPartial.Path)} returned {(int)resp.StatusCode} {resp.ReasonPhrase}.", null, resp.StatusCode);
        }
        if (resp.Content.Headers.ContentLength is > 0 and var len && len > maxBytes)
        {
            throw new InvalidDataException($"GET {url.GetLeftPart(UriPartial.Path)}: response of {len} bytes exceeds {maxBytes}.");
        }
        await using var stream = await resp.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > maxBytes)
            {
                throw new InvalidDataException($"GET {url.GetLeftPart(UriPartial.Path)}: response exceeds {maxBytes} bytes.");
            }
            buffer.Write(chunk, 0, n);
        }
        try
        {
            return JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"GET {url.GetLeftPart(UriPartial.Path)}: invalid JSON: {ex.Message}", ex);
        }
    }

    public static double Number(JsonElement el, string name, Uri source) =>
        el.ValueKind == JsonValueKind.Object && el.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d >= 0
            ? d
            : throw new InvalidDataException($"{source.GetLeftPart(UriPartial.Path)}: field '{name}' is missing or not a non-negative number.");

    public static DateTimeOffset Time(JsonElement el, string name, Uri source) =>
        el.ValueKind == JsonValueKind.Object && el.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String &&
        DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : throw new InvalidDataException($"{source.GetLeftPart(UriPartial.Path)}: field '{name}' is missing or not an ISO-8601 time.");

    public static TimeSpan? OptionalDuration(JsonElement el, string name)
    {
        if (el.ValueKind != JsonValueKind.Object || !el.TryGetProperty(name, out var v))
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.String && TimeSpan.TryParse(v.GetString(), CultureInfo.InvariantCulture, out var ts) && ts > TimeSpan.Zero)
        {
            return ts;
        }
        return v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var minutes) && minutes > 0 ? TimeSpan.FromMinutes(minutes) : null;
    }
}

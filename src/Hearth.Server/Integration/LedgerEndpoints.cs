using System.Globalization;
using System.Text.Json.Serialization;
using Hearth.Ledger.Api;
using Hearth.Server.Errors;
using Hearth.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Server.Integration;

/// <summary>
/// <c>GET /v1/ledger/entries?after=&amp;limit=&amp;tenant=&amp;model=&amp;route=&amp;from=&amp;to=</c> and
/// <c>GET /v1/ledger/summary?by=model|tenant|day|route&amp;from=&amp;to=</c> over <see cref="LedgerApi"/>. Bad parameters → 400 naming them.
/// </summary>
internal sealed class LedgerEndpoints(LedgerApi api)
{
    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/ledger/entries", EntriesAsync);
        app.MapGet("/v1/ledger/summary", SummaryAsync);
    }

    private async Task EntriesAsync(HttpContext context)
    {
        var q = context.Request.Query;
        var request = new LedgerEntriesRequest
        {
            After = Long(q, "after") ?? 0,
            Limit = (int)Math.Clamp(Long(q, "limit") ?? 100, int.MinValue, int.MaxValue),
            Tenant = Text(q, "tenant"),
            Model = Text(q, "model"),
            Route = Text(q, "route"),
            From = Time(q, "from"),
            To = Time(q, "to"),
        };
        var page = await api.GetEntriesAsync(request, context.RequestAborted).ConfigureAwait(false);
        await HttpJson.WriteAsync(context, page, LedgerJsonContext.Default.LedgerEntriesPage).ConfigureAwait(false);
    }

    private async Task SummaryAsync(HttpContext context)
    {
        var q = context.Request.Query;
        var summary = await api.GetSummaryAsync(Text(q, "by"), Time(q, "from"), Time(q, "to"), context.RequestAborted).ConfigureAwait(false);
        await HttpJson.WriteAsync(context, summary, LedgerJsonContext.Default.LedgerSummaryDto).ConfigureAwait(false);
    }

    private static string? Text(IQueryCollection q, string name) =>
        q.TryGetValue(name, out var v) && v.ToString() is { Length: > 0 } s ? s : null;

    private static long? Long(IQueryCollection q, string name)
    {
        if (Text(q, name) is not { } s)
        {
            return null;
        }
        return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw Bad(name, s, "an integer");
    }

    private static DateTimeOffset? Time(IQueryCollection q, string name)
    {
        if (Text(q, name) is not { } s)
        {
            return null;
        }
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t : throw Bad(name, s, "an ISO 8601 date or time (e.g. 2026-11-01 or 2026-11-01T12:00:00Z)");
    }

    private static ApiException Bad(string name, string value, string expected) =>
        ApiException.InvalidParameter(name, $"Query parameter '{name}' is '{value}'; expected {expected}.");
}

/// <summary>Source-generated JSON for the ledger API's DTOs (snake_case, like the OpenAI wire types).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(LedgerEntriesPage))]
[JsonSerializable(typeof(LedgerSummaryDto))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;

using System.Globalization;
using Hearth.Ledger.Queries;
using Hearth.Server.Auth;
using Hearth.Server.Errors;
using Hearth.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Server.LedgerApi;

/// <summary>
/// <c>GET /v1/ledger/entries?after=&amp;limit=&amp;tenant=&amp;model=&amp;route=&amp;from=&amp;to=</c>, <c>GET /v1/ledger/entries/{id}</c>,
/// <c>GET /v1/ledger/summary?by=…&amp;from=&amp;to=</c> and <c>GET /v1/ledger/verify</c> over the ledger's <see cref="LedgerQueries"/>, answering with the DTOs of
/// <see cref="LedgerEntryDto"/>'s file. Bad parameters → 400 naming them.
/// </summary>
/// <remarks>
/// Tenant scope: a tenant key's entries, lookups and summaries cover its own tenant only — a <c>tenant=</c> naming another
/// tenant is 403 <c>tenant_forbidden</c>, an entry of another tenant is 404. An admin key (and every caller while authentication
/// is off, the loopback default) sees every tenant's entries. Verification covers the whole chain, a node-wide view, so it is
/// mapped admin-only.
/// </remarks>
internal sealed class LedgerEndpoints(LedgerQueries queries)
{
    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/ledger/entries", EntriesAsync);
        app.MapGet("/v1/ledger/entries/{id}", EntryAsync);
        app.MapGet("/v1/ledger/summary", SummaryAsync);
        app.MapGet("/v1/ledger/verify", VerifyAsync).RequireAuthorization(Auth.HearthAuth.AdminPolicy);
    }

    /// <summary>The tenant a tenant key is limited to (the scope); null (no scope) for an admin key or while authentication is off.</summary>
    private static string? Scope(HttpContext context) =>
        HearthAuth.IsAdmin(context) ? null : context.GetApiKeyIdentity()?.Tenant;

    /// <summary>The tenant filter to apply: the caller's own; a different one asked for is refused.</summary>
    private static string? ScopedTenant(HttpContext context, string? asked)
    {
        var scope = Scope(context);
        if (scope is null)
        {
            return asked;
        }
        if (asked is not null && !string.Equals(asked, scope, StringComparison.Ordinal))
        {
            throw new ApiException(403, "permission_error",
                $"This API key belongs to tenant '{scope}' and may read only that tenant's ledger entries (asked for tenant '{asked}').", "tenant", "tenant_forbidden");
        }
        return scope;
    }

    private async Task EntryAsync(HttpContext context)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        if (!Guid.TryParseExact(id, "N", out var guid) && !Guid.TryParseExact(id, "D", out guid))
        {
            throw ApiException.InvalidParameter("id", $"'{(id.Length > 64 ? id[..64] + "…" : id)}' is not an entry id (32 hex digits, as in {HearthHeaders.EntryId}).");
        }
        var entry = await queries.FindEntryAsync(guid, context.RequestAborted).ConfigureAwait(false);
        var scope = Scope(context);
        if (entry is null || (scope is not null && !string.Equals(entry.Tenant, scope, StringComparison.Ordinal)))
        {
            throw new ApiException(404, "invalid_request_error",
                $"No ledger entry '{id}'" + (scope is null ? "." : $" for tenant '{scope}'."), "id", "entry_not_found");
        }
        await HttpJson.WriteAsync(context, LedgerEntryDto.From(entry), LedgerJsonContext.Default.LedgerEntryDto).ConfigureAwait(false);
    }

    private async Task VerifyAsync(HttpContext context)
    {
        var result = await queries.VerifyAsync(context.RequestAborted).ConfigureAwait(false)
            ?? throw new ApiException(429, "rate_limit_error", "A ledger verification is already running; try again when it has finished.", null, "verify_busy") { RetryAfterSeconds = 5 };
        await HttpJson.WriteAsync(context, LedgerVerificationDto.From(result), LedgerJsonContext.Default.LedgerVerificationDto).ConfigureAwait(false);
    }

    private async Task EntriesAsync(HttpContext context)
    {
        var q = context.Request.Query;
        var request = new LedgerPageRequest
        {
            After = Long(q, "after") ?? 0,
            Limit = (int)Math.Clamp(Long(q, "limit") ?? 100, int.MinValue, int.MaxValue),
            Tenant = ScopedTenant(context, Text(q, "tenant")),
            Model = Text(q, "model"),
            Route = Text(q, "route"),
            From = Time(q, "from"),
            To = Time(q, "to"),
        };
        var page = await queries.GetPageAsync(request, context.RequestAborted).ConfigureAwait(false);
        await HttpJson.WriteAsync(context, LedgerEntriesPage.From(page), LedgerJsonContext.Default.LedgerEntriesPage).ConfigureAwait(false);
    }

    private async Task SummaryAsync(HttpContext context)
    {
        var q = context.Request.Query;
        var summary = await queries.GetSummaryAsync(Text(q, "by"), Time(q, "from"), Time(q, "to"), ScopedTenant(context, null), context.RequestAborted).ConfigureAwait(false);
        await HttpJson.WriteAsync(context, LedgerSummaryDto.From(summary), LedgerJsonContext.Default.LedgerSummaryDto).ConfigureAwait(false);
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

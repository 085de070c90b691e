using Hearth.Server.Auth;
using Hearth.Server.Errors;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Http;

/// <summary>
/// Requires a valid key on <c>/v1/*</c> and <c>/api/*</c> (except <c>/api/version</c>) once any key exists. Accepts
/// <c>Authorization: Bearer KEY</c> or <c>x-api-key: KEY</c>. Puts the tenant in <see cref="HttpContext.Items"/> under <see cref="TenantItem"/>.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyStore keys)
{
    public const string TenantItem = "hearth.tenant";

    /// <summary><see cref="HttpContext.Items"/> key of the verified API key's id.</summary>
    public const string KeyIdItem = "hearth.api_key_id";

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var guarded = (path.StartsWithSegments("/v1", StringComparison.Ordinal) || path.StartsWithSegments("/api", StringComparison.Ordinal))
            && !path.StartsWithSegments("/api/version", StringComparison.Ordinal);
        if (!guarded || !keys.IsAuthRequired)
        {
            return next(context);
        }
        string? presented = null;
        var auth = context.Request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = auth[7..].Trim();
        }
        else if (context.Request.Headers.TryGetValue("x-api-key", out var apiKey))
        {
            presented = apiKey.ToString().Trim();
        }
        if (string.IsNullOrEmpty(presented))
        {
            throw new ApiException(401, "invalid_request_error",
                "Missing API key. Send 'Authorization: Bearer hk-...' (create one with 'hearth keys create --tenant NAME').", null, "missing_api_key");
        }
        var record = keys.Verify(presented) ?? throw new ApiException(401, "invalid_request_error",
            "Incorrect API key provided (unknown, revoked or mistyped).", null, "invalid_api_key");
        context.Items[TenantItem] = record.Tenant;
        context.Items[KeyIdItem] = record.Id;
        return next(context);
    }
}

using System.Security.Claims;
using System.Text.Encodings.Web;
using Hearth.Server.Errors;
using Hearth.Server.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hearth.Server.Auth;

/// <summary>
/// Turns the presented API key into a principal (tenant, key id, role) and writes the refusals in the called API's error shape:
/// 401 <c>missing_api_key</c> / <c>invalid_api_key</c>, 403 <c>admin_required</c>, 503 <c>keys_unavailable</c> when the keys
/// file cannot be used. Never echoes the presented key.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, UrlEncoder encoder, ApiKeyStore keys)
    // The base class logs every challenge at Information; refusals are counted in /metrics instead.
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, NullLoggerFactory.Instance, encoder)
{
    private const string TenantClaim = "hearth:tenant";
    private const string KeyIdClaim = "hearth:key_id";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        switch (keys.State)
        {
            case ApiKeyAuthState.Off:
                return Task.FromResult(Success([new Claim(ClaimTypes.Role, ApiKeyRoles.Admin)]));
            case ApiKeyAuthState.Unavailable:
                return Task.FromResult(AuthenticateResult.Fail(new ApiException(503, "server_error",
                    "The node cannot check API keys because its keys file cannot be used; its operator sees why in the node's log and in "
                    + "'hearth keys list'. No request is accepted until the file is fixed.", null, "keys_unavailable")));
        }
        var presented = PresentedKey(Request);
        if (string.IsNullOrEmpty(presented))
        {
            return Task.FromResult(AuthenticateResult.Fail(MissingKey()));
        }
        if (keys.Verify(presented) is not { } record)
        {
            return Task.FromResult(AuthenticateResult.Fail(new ApiException(401, "invalid_request_error",
                "Incorrect API key provided (unknown, revoked or mistyped).", null, "invalid_api_key")));
        }
        Context.SetApiKeyIdentity(new ApiKeyIdentity(record.Id, record.Tenant));
        return Task.FromResult(Success([
            new Claim(TenantClaim, record.Tenant),
            new Claim(KeyIdClaim, record.Id),
            new Claim(ClaimTypes.Role, record.IsAdmin ? ApiKeyRoles.Admin : ApiKeyRoles.Tenant),
        ]));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        await ErrorResponses.WriteAsync(Context, result.Failure as ApiException ?? MissingKey()).ConfigureAwait(false);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var route = (Context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? Request.Path.ToString();
        var identity = Context.GetApiKeyIdentity();
        var (keyId, tenant) = (identity?.KeyId, identity?.Tenant);
        return ErrorResponses.WriteAsync(Context, new ApiException(403, "permission_error",
            $"{Request.Method} {route} needs an admin API key; key '{keyId}' is a tenant key of '{tenant}'. "
            + "Admin keys are created on the node with 'hearth keys create --tenant NAME --admin'.", null, "admin_required"));
    }

    private ApiException MissingKey() => new(401, "invalid_request_error",
        "Missing API key. Send 'Authorization: Bearer hk-...' or 'x-api-key: hk-...'"
        + (keys.ActiveKeyCount == 0
            ? "; this node requires a key but has no active one (its operator creates one with 'hearth keys create --tenant NAME')."
            : " (create one on the node with 'hearth keys create --tenant NAME')."),
        null, "missing_api_key");

    private static string? PresentedKey(HttpRequest request)
    {
        var auth = request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return auth[7..].Trim();
        }
        return request.Headers.TryGetValue("x-api-key", out var apiKey) ? apiKey.ToString().Trim() : null;
    }

    private AuthenticateResult Success(Claim[] claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name)), Scheme.Name));
}

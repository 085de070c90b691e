using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hearth.Server.Auth;

/// <summary>
/// Authentication and authorization as endpoint metadata. Every endpoint needs an authenticated caller unless it is mapped with
/// <c>AllowAnonymous()</c> (the fallback policy), so a route added later is closed by default whatever spelling of its path a
/// client sends (case, <c>//</c>, <c>/./</c>, percent-encoding): the decision follows the endpoint routing matched, not a path
/// prefix. Endpoints mapped with <c>RequireAuthorization(</c><see cref="AdminPolicy"/><c>)</c> need an admin key.
/// </summary>
/// <remarks>
/// While <see cref="ApiKeyStore.State"/> is <see cref="ApiKeyAuthState.Off"/> (a node that has never had a key) every caller is
/// authenticated as the node's operator with the admin role, which is how a fresh loopback node behaves without keys.
/// </remarks>
public static class HearthAuth
{
    /// <summary>The authentication scheme: <c>Authorization: Bearer hk-…</c> or <c>x-api-key: hk-…</c>.</summary>
    public const string Scheme = "HearthApiKey";

    /// <summary>Authorization policy for admin-only endpoints (model store writes, node-wide views).</summary>
    public const string AdminPolicy = "hearth-admin";

    /// <summary>True when the caller holds an admin key, or authentication is off.</summary>
    public static bool IsAdmin(HttpContext context) => context.User.IsInRole(ApiKeyRoles.Admin);

    /// <summary>Registers the API key scheme, the closed-by-default fallback policy and <see cref="AdminPolicy"/>; the <see cref="ApiKeyStore"/> must be registered too.</summary>
    public static IServiceCollection AddHearthAuth(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(Scheme, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireRole(ApiKeyRoles.Admin));
        return services;
    }
}

using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Auth;

/// <summary>
/// The verified API key of a request (its id, never the secret, and its tenant), stored as a request feature by the
/// authentication handler. Absent while authentication is off (a node that has never had a key).
/// </summary>
/// <param name="KeyId">The key's id.</param>
/// <param name="Tenant">The tenant the key belongs to.</param>
public sealed record ApiKeyIdentity(string KeyId, string Tenant);

/// <summary>Reads and writes the <see cref="ApiKeyIdentity"/> of a request.</summary>
public static class ApiKeyIdentityAccess
{
    /// <summary>The request's verified API key, or null when none was verified (authentication off, or not yet run).</summary>
    public static ApiKeyIdentity? GetApiKeyIdentity(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<ApiKeyIdentity>();
    }

    /// <summary>Records the verified key (the authentication handler's job).</summary>
    internal static void SetApiKeyIdentity(this HttpContext context, ApiKeyIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Features.Set(identity);
    }
}

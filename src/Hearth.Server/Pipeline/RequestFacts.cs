using Hearth.Ledger.Chat;
using Hearth.Routing;
using Hearth.Server.Backends;
using Hearth.Server.Errors;
using Hearth.Server.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Pipeline;

/// <summary>
/// Copies what the HTTP edge knows about a request into <see cref="ChatOptions.AdditionalProperties"/> for the ledger and the
/// router: tenant and key id (from the verified API key), <c>x-hearth-policy</c> → <c>hearth.policy</c>,
/// <c>x-hearth-confidential: true</c> → <c>hearth.confidential</c>, and for a named model that is routed anyway
/// (<see cref="ChatClientResolver"/>) the model → <c>hearth.requested_model</c>.
/// </summary>
internal static class RequestFacts
{
    public const string PolicyHeader = "x-hearth-policy";
    public const string ConfidentialHeader = "x-hearth-confidential";

    public static void Apply(HttpContext context, ChatOptions options, ResolvedChat? resolved = null)
    {
        var p = options.AdditionalProperties ??= [];
        if (resolved?.RequestedModel is { } named)
        {
            p[RoutingKeys.RequestedModel] = named;
        }
        ApplyIdentity(context, p);
        if (p.TryGetValue(MeteringChatClient.ApiKeyIdKey, out var id) && id is string keyId)
        {
            p[RoutingKeys.ApiKey] = keyId;
        }
        var headers = context.Request.Headers;
        if (headers.TryGetValue(PolicyHeader, out var policy) && policy.ToString().Trim() is { Length: > 0 } name)
        {
            p[RoutingKeys.Policy] = name;
        }
        if (headers.TryGetValue(ConfidentialHeader, out var confidential))
        {
            p[RoutingKeys.Confidential] = confidential.ToString().Trim().ToLowerInvariant() switch
            {
                "true" or "1" or "yes" => true,
                "false" or "0" or "no" or "" => false,
                var other => throw ApiException.InvalidParameter(ConfidentialHeader, $"Header '{ConfidentialHeader}' is '{other}'; use true or false."),
            };
        }
    }

    /// <summary>The ledger's request facts only (tenant and key id), e.g. for embeddings, which are not routed.</summary>
    public static void ApplyIdentity(HttpContext context, AdditionalPropertiesDictionary p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (Auth.ApiKeyIdentityAccess.GetApiKeyIdentity(context) is { } identity)
        {
            p[HearthChatProperties.Tenant] = identity.Tenant;
            p[MeteringChatClient.ApiKeyIdKey] = identity.KeyId;
        }
    }
}

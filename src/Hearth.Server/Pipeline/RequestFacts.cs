using Hearth.Contracts;
using Hearth.Server.Auth;
using Hearth.Server.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Pipeline;

/// <summary>
/// Writes what the HTTP edge knows about a request into its typed <see cref="Contracts.RequestFacts"/> for the ledger, budgets
/// and the router: tenant and key id (from the verified API key), <c>x-hearth-policy</c> → policy,
/// <c>x-hearth-confidential: true</c> → confidential, and for a named model that is routed anyway
/// (<see cref="ChatClientResolver"/>) the model → requested model. Facts the request mapping already set (the end user) are kept.
/// </summary>
internal static class RequestFacts
{
    public const string PolicyHeader = "x-hearth-policy";
    public const string ConfidentialHeader = "x-hearth-confidential";

    public static void Apply(HttpContext context, ChatOptions options, ResolvedChat? resolved = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var facts = Identity(context, options.GetRequestFacts());
        if (resolved?.RequestedModel is { } named)
        {
            facts = facts with { RequestedModel = named };
        }
        var headers = context.Request.Headers;
        if (headers.TryGetValue(PolicyHeader, out var policy) && policy.ToString().Trim() is { Length: > 0 } name)
        {
            facts = facts with { Policy = name };
        }
        if (headers.TryGetValue(ConfidentialHeader, out var confidential))
        {
            facts = facts with
            {
                Confidential = confidential.ToString().Trim().ToLowerInvariant() switch
                {
                    "true" or "1" or "yes" => true,
                    "false" or "0" or "no" or "" => false,
                    var other => throw ApiException.InvalidParameter(ConfidentialHeader, $"Header '{ConfidentialHeader}' is '{other}'; use true or false."),
                },
            };
        }
        options.SetRequestFacts(facts);
    }

    /// <summary>The ledger's request facts only (tenant and key id), for embeddings, which are not routed.</summary>
    public static void ApplyIdentity(HttpContext context, EmbeddingGenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.SetRequestFacts(Identity(context, options.GetRequestFacts()));
    }

    private static Contracts.RequestFacts Identity(HttpContext context, Contracts.RequestFacts facts)
    {
        if (context.GetApiKeyIdentity() is { } identity)
        {
            facts = facts with { Tenant = identity.Tenant, ApiKeyId = identity.KeyId };
        }
        return facts;
    }
}

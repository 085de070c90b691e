namespace Hearth.Contracts;

/// <summary>
/// What the edge knows about who asks and under which rules, set once per request (<see cref="RequestContext.SetRequestFacts(Microsoft.Extensions.AI.ChatOptions, RequestFacts)"/>)
/// and read by every stage below it: the ledger (tenant, key), budgets (tenant, key), the router and residency (policy,
/// confidentiality, requested model, end user). Every property is optional: a library used without the server sees none.
/// </summary>
public sealed record RequestFacts
{
    /// <summary>No facts: a call made without the HTTP edge (an app using a Hearth client directly).</summary>
    public static RequestFacts None { get; } = new();

    /// <summary>The tenant of the verified API key (absent when auth is off).</summary>
    public string? Tenant { get; init; }

    /// <summary>The id of the verified API key (never the secret).</summary>
    public string? ApiKeyId { get; init; }

    /// <summary>The routing policy asked for (the <c>x-hearth-policy</c> header), if any.</summary>
    public string? Policy { get; init; }

    /// <summary>The request was declared confidential (header <c>x-hearth-confidential</c>); null = not declared either way.</summary>
    public bool? Confidential { get; init; }

    /// <summary>
    /// The model the client named when the request is routed anyway (an <c>x-hearth-policy</c> header or the key's policy with
    /// a model other than <c>hearth/auto</c>); policy <c>fixed</c> without a backend serves it.
    /// </summary>
    public string? RequestedModel { get; init; }

    /// <summary>The end-user id the client sent (OpenAI's <c>user</c>); it may be forwarded upstream, so it is scanned like the messages.</summary>
    public string? EndUser { get; init; }
}

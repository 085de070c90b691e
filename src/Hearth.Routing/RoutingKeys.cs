namespace Hearth.Routing;

/// <summary>
/// Keys under <c>ChatOptions.AdditionalProperties</c> (request context set by the HTTP edge) and
/// <c>ChatResponse.AdditionalProperties</c> (the decision, for the <c>x-hearth-route</c>/<c>x-hearth-reason</c> headers and the ledger).
/// </summary>
public static class RoutingKeys
{
    /// <summary>Request: policy name (from <c>x-hearth-policy</c>), string.</summary>
    public const string Policy = "hearth.policy";

    /// <summary>Request: API key id, string (selects the key's policy and confidentiality).</summary>
    public const string ApiKey = "hearth.api_key";

    /// <summary>Request: declared confidential (header or key), bool.</summary>
    public const string Confidential = "hearth.confidential";

    /// <summary>Request: the end-user id (OpenAI's <c>user</c>), string; it is sent upstream, so it is scanned like the messages.</summary>
    public const string User = "hearth.user";

    /// <summary>
    /// Request: the model the client named when the request is routed anyway (an <c>x-hearth-policy</c> header or the API
    /// key's policy with a model other than <c>hearth/auto</c>), string. Policy <c>fixed</c> without a backend uses it.
    /// </summary>
    public const string RequestedModel = "hearth.requested_model";

    /// <summary>Response: the backend that answered, string (header <c>x-hearth-route</c>).</summary>
    public const string Route = "hearth.route";

    /// <summary>Response: why, string (header <c>x-hearth-reason</c>).</summary>
    public const string Reason = "hearth.reason";

    /// <summary>
    /// Response: true when the chosen remote backend was unavailable and a local backend answered instead (header
    /// <c>x-hearth-degraded: true</c>); the reason says which backend failed and why.
    /// </summary>
    public const string Degraded = "hearth.degraded";

    /// <summary>The model id that asks the router to choose (<c>model: "hearth/auto"</c>).</summary>
    public const string AutoModel = "hearth/auto";
}

namespace Hearth.Server.Backends;

/// <summary>
/// Keys Hearth puts in <c>ChatOptions.AdditionalProperties</c> / <c>ChatResponse.AdditionalProperties</c> to carry request facts
/// that <c>Microsoft.Extensions.AI</c> has no property for. Middleware (ledger, routing) may read them. (Log-probabilities, raw
/// prompts, keep-alive, tool-call wire details and the like are typed: see <c>Hearth.Contracts.RequestContext</c>.)
/// </summary>
public static class HearthChatProperties
{
    /// <summary>Response entries whose key starts with this prefix are copied to HTTP response headers (e.g. <c>x-hearth-route</c>).</summary>
    public const string HeaderPrefix = "x-hearth-";
}

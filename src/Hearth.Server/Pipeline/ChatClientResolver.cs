using Hearth.Routing.Hybrid;
using Hearth.Server.Auth;
using Hearth.Server.Backends;
using Hearth.Server.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Pipeline;

/// <summary>The client that serves a request, the model the response names, and the model to record as named (routed requests).</summary>
/// <param name="Client">The router (with decision headers) or the model's own pipeline.</param>
/// <param name="Model">The model reported in the response (<c>hearth/auto</c> or the named model).</param>
/// <param name="RequestedModel">Set when a named model is routed anyway: the router sees it as the request facts' requested model.</param>
internal sealed record ResolvedChat(IChatClient Client, ModelDescriptor Model, string? RequestedModel);

/// <summary>
/// Chooses the chat client for a request on every API (OpenAI chat and completions, Ollama chat and generate):
/// <list type="bullet">
/// <item><c>hearth/auto</c> → the router;</item>
/// <item>any other model with an <c>x-hearth-policy</c> header, or from an API key that has a policy in
/// <c>Routing:ApiKeyPolicies</c> → the router too, with the named model passed as the request facts' requested model:
/// policy <c>fixed</c> (bare) serves it, every other policy chooses by itself and the reason says the named model was ignored;</item>
/// <item>otherwise → the named model's own pipeline (where residency still applies to upstream models).</item>
/// </list>
/// </summary>
internal sealed class ChatClientResolver(ModelBackends backends, NodeRouter router, TimeProvider time)
{
    /// <param name="context">The HTTP request (headers, verified API key).</param>
    /// <param name="id">The model id the client sent.</param>
    /// <param name="find">Looks the model up (throws the API's own 404 when unknown).</param>
    public ResolvedChat Resolve(HttpContext context, string id, Func<string, ModelDescriptor> find)
    {
        if (string.Equals(id, NodeRouter.AutoModel, StringComparison.OrdinalIgnoreCase))
        {
            return new ResolvedChat(router.GetClient(), AutoDescriptor(), null);
        }
        var model = find(id);
        if (HasPolicyHeader(context) || router.HasKeyPolicy(KeyId(context)))
        {
            return new ResolvedChat(router.GetClient(), model, model.Id);
        }
        return new ResolvedChat(backends.GetChatClient(model), model, null);
    }

    /// <summary>The descriptor listed and reported for <c>hearth/auto</c>.</summary>
    public ModelDescriptor AutoDescriptor() => new(NodeRouter.AutoModel, BackendKind.Local, "hearth", null, null, 0, time.GetUtcNow());

    private static bool HasPolicyHeader(HttpContext context) =>
        context.Request.Headers.TryGetValue(RequestFacts.PolicyHeader, out var v) && v.ToString().Trim().Length > 0;

    private static string? KeyId(HttpContext context) => context.GetApiKeyIdentity()?.KeyId;
}

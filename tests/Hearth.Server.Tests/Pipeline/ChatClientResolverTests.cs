using Hearth.Routing.Hybrid;
using Hearth.Routing.Policies;
using Hearth.Server.Auth;
using Hearth.Server.Backends;
using Hearth.Server.Backends.Local;
using Hearth.Server.Errors;

using Hearth.Server.Pipeline;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Tests.Pipeline;

/// <summary>
/// Which client serves a request: the router for <c>hearth/auto</c>, a policy header or a key with a policy; otherwise the
/// model's own pipeline. Over a catalog of one local file (never loaded: no request is sent).
/// </summary>
public sealed class ChatClientResolverTests : IDisposable
{
    private const string Model = "tiny";
    private readonly TempDir _home = new("hearth-resolver-");
    private readonly ModelCatalog _catalog;
    private readonly ModelBackends _backends;
    private readonly ChatClientResolver _resolver;

    public ChatClientResolverTests()
    {
        Directory.CreateDirectory(Path.Combine(_home.Path, "models"));
        File.WriteAllBytes(Path.Combine(_home.Path, "models", Model + ".gguf"), [0]);
        var routing = new RoutingOptions
        {
            Backends = [new BackendOptions(Model, ModelTier.Small, IsLocal: true)],
            Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = Model },
            DefaultPolicy = "local-only",
            ApiKeyPolicies = new Dictionary<string, string> { ["key-routed"] = "local-only" },
        };
        var options = TestNodes.Options(_home) with { Routing = routing };
        _catalog = new ModelCatalog(options);
        _backends = new ModelBackends(options, DefaultLocalModelLoader.Create());
        _resolver = new ChatClientResolver(_backends, new NodeRouter(routing, new NodeRoutingBackends(options, _catalog, _backends)), TimeProvider.System);
    }

    [Fact]
    public void Resolve_AutoModelAnyCase_ReturnsTheRouterAndTheAutoDescriptor()
    {
        var resolved = _resolver.Resolve(new DefaultHttpContext(), "Hearth/Auto", Find);

        Assert.IsType<HybridRouter>(resolved.Client);
        Assert.Equal(NodeRouter.AutoModel, resolved.Model.Id);
        Assert.Null(resolved.RequestedModel);
    }

    [Fact]
    public void Resolve_NamedModelNoPolicy_ReturnsTheModelsOwnPipeline()
    {
        var resolved = _resolver.Resolve(new DefaultHttpContext(), Model, Find);

        Assert.Same(_backends.GetChatClient(_catalog.Find(Model)!), resolved.Client);
        Assert.Equal(Model, resolved.Model.Id);
        Assert.Null(resolved.RequestedModel);
    }

    [Fact]
    public void Resolve_NamedModelWithPolicyHeader_RoutesAndPassesTheNamedModel()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[RequestFacts.PolicyHeader] = "local-only";

        var resolved = _resolver.Resolve(context, Model, Find);

        Assert.IsType<HybridRouter>(resolved.Client);
        Assert.Equal(Model, resolved.Model.Id);
        Assert.Equal(Model, resolved.RequestedModel);
    }

    [Fact]
    public void Resolve_BlankPolicyHeader_IsIgnored()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[RequestFacts.PolicyHeader] = "  ";

        var resolved = _resolver.Resolve(context, Model, Find);

        Assert.Null(resolved.RequestedModel);
        Assert.IsNotType<HybridRouter>(resolved.Client);
    }

    [Theory]
    [InlineData("key-routed", true)]
    [InlineData("key-plain", false)]
    public void Resolve_VerifiedKey_RoutesOnlyAKeyWithAPolicy(string keyId, bool routed)
    {
        var context = new DefaultHttpContext();
        context.SetApiKeyIdentity(new ApiKeyIdentity(keyId, "acme"));

        var resolved = _resolver.Resolve(context, Model, Find);

        Assert.Equal(routed, resolved.Client is HybridRouter);
        Assert.Equal(routed ? Model : null, resolved.RequestedModel);
    }

    [Fact]
    public void Resolve_UnknownModel_ThrowsTheCallersNotFound()
    {
        var e = Assert.Throws<ApiException>(() => _resolver.Resolve(new DefaultHttpContext(), "nope", Find));

        Assert.Equal(404, e.StatusCode);
    }

    private ModelDescriptor Find(string id) => _catalog.Find(id) ?? throw ApiException.ModelNotFound(id, _catalog.Ids());

    public void Dispose()
    {
        _backends.Dispose();
        _home.Dispose();
    }
}

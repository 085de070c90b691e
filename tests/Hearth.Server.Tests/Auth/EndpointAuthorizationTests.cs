using System.Globalization;
using System.Text;
using Hearth.Server.Auth;
using Hearth.Server.Configuration;
using Hearth.Server.Hosting;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Hearth.Server.Tests.Auth;

/// <summary>
/// Authentication is a property of each endpoint: every route the node maps, reached by any spelling of its path, refuses a
/// caller without a key, and admin routes refuse tenant keys. The routes come from the node's own endpoint list, so a route
/// added later is covered without editing this test.
/// </summary>
public sealed class EndpointAuthorizationTests
{
    private static readonly string[] s_anonymous = ["/api/version", "/healthz", "/readyz"];
    private static readonly string[] s_adminOnly = ["DELETE /api/delete", "GET /metrics", "GET /v1/ledger/verify", "POST /api/pull"];

    [Fact]
    public async Task EveryRoute_AnySpellingWithoutKey_Gets401()
    {
        using var home = new TempDir();
        var store = new ApiKeyStore(HearthHome.KeysFile(home.Path));
        store.Create("a");
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home));
        var routes = ProtectedRoutes(node);

        var failures = new List<string>();
        foreach (var (method, path) in routes)
        {
            foreach (var target in Spellings(path))
            {
                var (status, _) = await RawHttp.SendAsync(node.BaseAddress, method, target);
                if (status != 401)
                {
                    failures.Add($"{method} {target} -> {status}");
                }
            }
        }

        Assert.Contains(("POST", "/v1/chat/completions"), routes);
        Assert.Contains(("DELETE", "/api/delete"), routes);
        Assert.Contains(("GET", "/v1/ledger/entries/sample"), routes);
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Endpoints_AnonymousAndAdminOnly_AreExactlyTheDocumentedOnes()
    {
        using var home = new TempDir();
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home));
        var endpoints = node.Endpoints.OfType<RouteEndpoint>().ToList();

        var anonymous = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(e => e.RoutePattern.RawText).Order(StringComparer.Ordinal);
        var admin = endpoints
            .Where(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == HearthAuth.AdminPolicy))
            .SelectMany(e => Methods(e).Select(m => $"{m} {e.RoutePattern.RawText}")).Order(StringComparer.Ordinal);

        // A new anonymous or admin route must be added here on purpose (and to docs/server.md, "Keys").
        Assert.Equal(s_anonymous, anonymous);
        Assert.Equal(s_adminOnly, admin);
    }

    [Fact]
    public async Task AdminRoutes_AnySpellingWithTenantKey_NeverReachTheEndpoint()
    {
        using var home = new TempDir();
        var store = new ApiKeyStore(HearthHome.KeysFile(home.Path));
        var (_, tenantKey) = store.Create("a");
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home));
        var admin = ProtectedRoutes(node).Where(r => s_adminOnly.Contains($"{r.Method} {r.Path}")).ToList();

        var failures = new List<string>();
        foreach (var (method, path) in admin)
        {
            foreach (var target in Spellings(path))
            {
                var (status, body) = await RawHttp.SendAsync(node.BaseAddress, method, target, tenantKey);
                // Spellings that route to the endpoint get 403; those that match no route (e.g. '//' or '%2F') reach the 404 fallback.
                if (!(status == 403 && body.Contains("needs an admin API key", StringComparison.Ordinal)) && status != 404)
                {
                    failures.Add($"{method} {target} -> {status}");
                }
                if (EquivalentSpelling(path, target) && status != 403)
                {
                    failures.Add($"{method} {target} (routes to the endpoint) -> {status}, expected 403");
                }
            }
        }

        Assert.Equal(s_adminOnly.Length, admin.Count);
        Assert.Empty(failures);
    }

    [Fact]
    public async Task CaseAndEncodingVariants_WithValidKey_ReachTheEndpoint()
    {
        using var home = new TempDir();
        var (_, key) = new ApiKeyStore(HearthHome.KeysFile(home.Path)).Create("a");
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home));

        // The spellings the auth tests send really do route to the endpoints (else their 401s would prove nothing).
        foreach (var target in Spellings("/v1/models").Where(t => EquivalentSpelling("/v1/models", t)))
        {
            var (status, body) = await RawHttp.SendAsync(node.BaseAddress, "GET", target, key);
            Assert.True(status == 200 && body.Contains("\"object\":\"list\"", StringComparison.Ordinal), $"GET {target} -> {status}");
        }
    }

    [Fact]
    public async Task Delete_MixedCasePathWithoutKeyOrWithTenantKey_RefusedAndFileKept()
    {
        using var home = new TempDir();
        var store = new ApiKeyStore(HearthHome.KeysFile(home.Path));
        var (_, tenantKey) = store.Create("a");
        var (_, adminKey) = store.Create("ops", "operator", ApiKeyRoles.Admin);
        var models = HearthHome.ModelsDirectory(home.Path);
        Directory.CreateDirectory(models);
        var victim = Path.Combine(models, "victim.gguf");
        File.WriteAllBytes(victim, Encoding.ASCII.GetBytes("GGUF-not-a-real-model"));
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home));
        const string Body = """{"model":"victim"}""";

        var anonymous = await RawHttp.SendAsync(node.BaseAddress, "DELETE", "/Api/delete", body: Body);
        var upper = await RawHttp.SendAsync(node.BaseAddress, "DELETE", "/API/DELETE", body: Body);
        var tenant = await RawHttp.SendAsync(node.BaseAddress, "DELETE", "/Api/delete", tenantKey, Body);
        var keptAfterRefusals = File.Exists(victim);
        var byAdmin = await RawHttp.SendAsync(node.BaseAddress, "DELETE", "/Api/delete", adminKey, Body);

        Assert.Equal(401, anonymous.Status);
        Assert.Contains("\"error\":\"Missing API key.", anonymous.Body, StringComparison.Ordinal); // Ollama shape for /Api too
        Assert.Equal(401, upper.Status);
        Assert.Equal(403, tenant.Status);
        Assert.True(keptAfterRefusals);
        Assert.Equal(200, byAdmin.Status);
        Assert.False(File.Exists(victim));
    }

    [Fact]
    public async Task Pull_TenantKey_Gets403AndNothingIsFetched()
    {
        using var home = new TempDir();
        var (_, tenantKey) = new ApiKeyStore(HearthHome.KeysFile(home.Path)).Create("a");
        await using var files = await LoopbackFileServer.StartAsync();
        files.Add("m.gguf", Encoding.ASCII.GetBytes("GGUF0000"));
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home));
        var body = $$"""{"model":"{{new Uri(files.BaseAddress, "f/m.gguf")}}","stream":false}""";

        var tenant = await RawHttp.SendAsync(node.BaseAddress, "POST", "/api/pull", tenantKey, body);
        var anonymous = await RawHttp.SendAsync(node.BaseAddress, "POST", "/Api/Pull", body: body);

        Assert.Equal(403, tenant.Status);
        Assert.Equal(401, anonymous.Status);
        Assert.Empty(files.RangesSeen); // the file server saw no download request
        Assert.False(File.Exists(Path.Combine(HearthHome.ModelsDirectory(home.Path), "m.gguf")));
    }

    [Fact]
    public async Task Metrics_ByRole_AnonymousGets401TenantGets403AdminGets200()
    {
        using var home = new TempDir();
        var store = new ApiKeyStore(HearthHome.KeysFile(home.Path));
        var (_, tenantKey) = store.Create("a");
        var (_, adminKey) = store.Create("ops", null, ApiKeyRoles.Admin);
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home));

        var anonymous = await RawHttp.SendAsync(node.BaseAddress, "GET", "/metrics");
        var tenant = await RawHttp.SendAsync(node.BaseAddress, "GET", "/metrics", tenantKey);
        var admin = await RawHttp.SendAsync(node.BaseAddress, "GET", "/Metrics", adminKey);
        var health = await RawHttp.SendAsync(node.BaseAddress, "GET", "/healthz");

        Assert.Equal(401, anonymous.Status);
        Assert.Equal(403, tenant.Status);
        Assert.Contains("\"code\":\"admin_required\"", tenant.Body, StringComparison.Ordinal);
        Assert.Equal(200, admin.Status);
        Assert.Contains("hearth_http_requests_total", admin.Body, StringComparison.Ordinal);
        Assert.Equal(200, health.Status);
    }

    /// <summary>(method, concrete path) for every routed endpoint except the anonymous ones; the 404 fallback as <c>GET /no/such/route</c>.</summary>
    private static List<(string Method, string Path)> ProtectedRoutes(HearthNode node)
    {
        var routes = new List<(string, string)>();
        foreach (var endpoint in node.Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                continue;
            }
            var methods = Methods(endpoint);
            var path = ConcretePath(endpoint.RoutePattern);
            if (path is null)
            {
                routes.Add(("GET", "/no/such/route")); // the fallback: a catch-all with no literal segment
                continue;
            }
            routes.AddRange(methods.Select(m => (m, path)));
        }
        return routes;
    }

    private static IReadOnlyList<string> Methods(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];

    /// <summary>The pattern with each parameter replaced by a sample value; null for a pattern with no literal part (the fallback).</summary>
    private static string? ConcretePath(RoutePattern pattern)
    {
        if (!pattern.PathSegments.Any(s => s.Parts.Any(p => p is RoutePatternLiteralPart)))
        {
            return null;
        }
        var segments = pattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart => "sample",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => throw new InvalidOperationException($"unexpected route part {p.GetType().Name} in {pattern.RawText}"),
        })));
        return "/" + string.Join('/', segments);
    }

    /// <summary>Spellings of <paramref name="path"/>: those that route to the same endpoint and some that route nowhere.</summary>
    private static IEnumerable<string> Spellings(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string Join(IEnumerable<string> s) => "/" + string.Join('/', s);
        yield return path;
        yield return path.ToUpperInvariant();
        yield return Join(segments.Select(s => char.ToUpperInvariant(s[0]) + s[1..]));
        yield return Join(segments.Select((s, i) => i % 2 == 0 ? s.ToUpperInvariant() : s));
        yield return "/." + path;
        yield return "/" + segments[0] + "/." + path[(segments[0].Length + 1)..];
        yield return "/zz/.." + path;
        yield return Join(segments.Select(s => "%" + ((int)s[0]).ToString("x2", CultureInfo.InvariantCulture) + s[1..]));
        yield return Join(segments.Select(s => string.Concat(s.Select(c => "%" + ((int)c).ToString("X2", CultureInfo.InvariantCulture)))));
        yield return path + "/";
        yield return "/" + path;
        yield return path.Replace("/", "//", StringComparison.Ordinal);
        yield return "/" + string.Join("%2F", segments);
        if (segments.Length > 1)
        {
            yield return "/" + segments[0] + "%2f" + path[(segments[0].Length + 2)..];
        }
    }

    /// <summary>True for the spellings that ASP.NET routing sends to the same endpoint as <paramref name="path"/>.</summary>
    private static bool EquivalentSpelling(string path, string target) =>
        !target.Contains("//", StringComparison.Ordinal) && !target.Contains("%2F", StringComparison.OrdinalIgnoreCase)
        && !(target.EndsWith('/') && !path.EndsWith('/'));
}

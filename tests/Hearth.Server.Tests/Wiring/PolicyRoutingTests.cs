using System.Net;
using System.Text.Json;
using Hearth.Server.Auth;
using Hearth.Server.Configuration;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary>
/// <c>x-hearth-policy</c> and per-key policies route a request whatever model it names; the Routing section is bound from
/// configuration exactly as <c>hearth serve</c> binds it.
/// </summary>
public sealed class PolicyRoutingTests
{
    /// <summary>A node configured through <see cref="HearthConfiguration.Load"/>: stories260K (small, local), gpt (large, upstream).</summary>
    private static HearthOptions Load(TempDir home, RecordingUpstream upstream, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Home"] = home.Path,
            ["Server:Port"] = "0",
            ["Local:Threads"] = "1",
            ["Upstreams:0:Name"] = "remote",
            ["Upstreams:0:BaseUrl"] = new Uri(upstream.BaseAddress, "v1").ToString(),
            ["Upstreams:0:Models:0"] = RecordingUpstream.ModelId,
            ["Routing:Backends:0:Name"] = LocalModel,
            ["Routing:Backends:0:Tier"] = "Small",
            ["Routing:Backends:0:IsLocal"] = "true",
            ["Routing:Backends:1:Name"] = RecordingUpstream.ModelId,
            ["Routing:Backends:1:Tier"] = "Large",
            ["Routing:Backends:1:IsLocal"] = "false",
            ["Routing:Backends:1:Site"] = "cloud",
            ["Routing:Sites:cloud:GramsCo2ePerKwh"] = "60",
            ["Routing:Tiers:Small"] = LocalModel,
            ["Routing:Tiers:Large"] = RecordingUpstream.ModelId,
            ["Routing:DefaultPolicy"] = "fixed:gpt",
        };
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }
        return HearthConfiguration.Load(settings);
    }

    private static async Task<HttpResponseMessage> ChatAsync(HttpClient http, string model, string? policy = null, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(ChatBody(model)) };
        if (policy is not null)
        {
            request.Headers.Add("x-hearth-policy", policy);
        }
        if (key is not null)
        {
            request.Headers.Add("Authorization", "Bearer " + key);
        }
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task NamedUpstreamModel_PolicyHeaderLocalOnly_RoutedLocallyWithReasonNamingIgnoredModel()
    {
        using var home = new TempDir("hearth-pol-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var node = await StartAsync(Load(home, upstream));
        using var http = Client(node);

        using var routed = await ChatAsync(http, "gpt", "local-only");
        using var direct = await ChatAsync(http, "gpt");

        Assert.Equal(HttpStatusCode.OK, routed.StatusCode);
        Assert.Equal(LocalModel, Header(routed, "x-hearth-route"));
        Assert.Contains("local-only", Header(routed, "x-hearth-reason"), StringComparison.Ordinal);
        Assert.Contains("named model 'gpt' ignored", Header(routed, "x-hearth-reason"), StringComparison.Ordinal);
        Assert.Equal(LocalModel, JsonDocument.Parse(await routed.Content.ReadAsStringAsync()).RootElement.GetProperty("model").GetString()); // the model that answered
        Assert.Equal("gpt", Header(routed, "x-hearth-requested-model"));
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Equal("", Header(direct, "x-hearth-route"));
        Assert.Single(upstream.Bodies);
    }

    [Fact]
    public async Task NamedModel_BareFixedPolicy_ServesTheNamedBackend()
    {
        using var home = new TempDir("hearth-pol-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var node = await StartAsync(Load(home, upstream));
        using var http = Client(node);

        using var local = await ChatAsync(http, LocalModel, "fixed");
        using var remote = await ChatAsync(http, "gpt", "fixed");

        Assert.Equal(LocalModel, Header(local, "x-hearth-route"));
        Assert.Equal("fixed: " + LocalModel, Header(local, "x-hearth-reason"));
        Assert.Equal("gpt", Header(remote, "x-hearth-route"));
        Assert.Single(upstream.Bodies);
    }

    [Fact]
    public async Task NamedModel_UnknownPolicyHeader_Returns400ListingKnownPolicies()
    {
        using var home = new TempDir("hearth-pol-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var node = await StartAsync(Load(home, upstream));
        using var http = Client(node);

        using var response = await ChatAsync(http, "gpt", "cheapest");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("invalid_policy", error.GetProperty("code").GetString());
        Assert.Contains("fixed:gpt", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(upstream.Bodies);
    }

    [Fact]
    public async Task ApiKeyPolicies_BoundFromConfiguration_RouteThatKeysRequestsWhateverModelTheyName()
    {
        using var home = new TempDir("hearth-pol-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        var keys = new ApiKeyStore(HearthHome.KeysFile(home.Path), TimeProvider.System);
        var (intern, internKey) = keys.Create("acme", "intern");
        var (_, staffKey) = keys.Create("acme", "staff");
        var options = Load(home, upstream, new() { [$"Routing:ApiKeyPolicies:{intern.Id}"] = "local-only" });
        await using var node = await StartAsync(options);
        using var http = Client(node);

        using var internDirect = await ChatAsync(http, "gpt", key: internKey);
        using var internAuto = await ChatAsync(http, "hearth/auto", key: internKey);
        using var staffDirect = await ChatAsync(http, "gpt", key: staffKey);
        using var staffAuto = await ChatAsync(http, "hearth/auto", key: staffKey);
        using var internOverride = await ChatAsync(http, "hearth/auto", "fixed:gpt", internKey);

        Assert.Equal("local-only", options.Routing!.ApiKeyPolicies[intern.Id]);
        Assert.Equal(LocalModel, Header(internDirect, "x-hearth-route"));
        Assert.Contains("named model 'gpt' ignored", Header(internDirect, "x-hearth-reason"), StringComparison.Ordinal);
        Assert.Equal(LocalModel, Header(internAuto, "x-hearth-route"));
        Assert.Equal(HttpStatusCode.OK, staffDirect.StatusCode);
        Assert.Equal("gpt", Header(staffAuto, "x-hearth-route"));
        Assert.Equal("gpt", Header(internOverride, "x-hearth-route"));
        Assert.Equal(3, upstream.Bodies.Count);
    }

    [Fact]
    public async Task ConfidentialApiKeys_BoundFromConfiguration_KeepThatKeysRequestsLocal()
    {
        using var home = new TempDir("hearth-pol-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        var keys = new ApiKeyStore(HearthHome.KeysFile(home.Path), TimeProvider.System);
        var (legal, legalKey) = keys.Create("acme", "legal");
        var options = Load(home, upstream, new() { ["Routing:ConfidentialApiKeys:0"] = legal.Id });
        await using var node = await StartAsync(options);
        using var http = Client(node);

        using var direct = await ChatAsync(http, "gpt", key: legalKey);
        using var auto = await ChatAsync(http, "hearth/auto", "fixed:gpt", legalKey);

        Assert.Contains(legal.Id, options.Routing!.ConfidentialApiKeys);
        Assert.Equal(LocalModel, Header(direct, "x-hearth-route"));
        Assert.Equal(LocalModel, Header(auto, "x-hearth-route"));
        Assert.Contains("declared confidential", Header(auto, "x-hearth-reason"), StringComparison.Ordinal);
        Assert.Empty(upstream.Bodies);
    }
}

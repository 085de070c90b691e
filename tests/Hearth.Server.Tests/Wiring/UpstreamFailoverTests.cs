using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Hearth.Routing.Policies;
using Hearth.Server.Configuration;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary>
/// Issue 10 item 11: <c>hearth/auto</c> with its upstream down answers from the local model (before the first token),
/// marked <c>x-hearth-degraded: true</c> with the reason; a policy that pins the upstream still gets the upstream's error.
/// Real node on loopback, real stories260K, and an upstream that is a closed port or a loopback server answering 503.
/// </summary>
public sealed class UpstreamFailoverTests
{
    private const string Remote = "gpt";
    private const string ChatPath = "/v1/chat/completions";

    /// <summary>The predictive policy is forced to want the remote large tier for every prompt.</summary>
    private static HearthOptions Options(TempDir home, Uri upstream) =>
        TestNodes.Options(home, TestNodes.Upstream("cloud", upstream, Remote) with { MaxRetries = 0 }) with
        {
            Local = new LocalModelOptions { Threads = 1, KeepAliveSeconds = 600 },
            Routing = new RoutingOptions
            {
                Backends = [new BackendOptions(LocalModel, ModelTier.Small, IsLocal: true), new BackendOptions(Remote, ModelTier.Large, IsLocal: false, Site: "cloud")],
                Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = LocalModel, [ModelTier.Large] = Remote },
                DefaultPolicy = "predictive",
                PredictiveEscalationShare = 1.0,
            },
        };

    /// <summary>A loopback port with nothing listening (bound, then released): connections to it are refused.</summary>
    private static Uri ClosedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    private static Task<LoopbackServer> Unavailable503() =>
        LoopbackServer.StartAsync(app => app.MapPost(ChatPath, (HttpContext context) =>
            Results.Json(new { error = new { message = "overloaded", type = "server_error" } }, statusCode: 503)));

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string body, string? policy = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ChatPath) { Content = Json(body) };
        if (policy is not null)
        {
            request.Headers.Add("x-hearth-policy", policy);
        }
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task AutoModel_UpstreamPortClosed_AnsweredByLocalModelMarkedDegraded()
    {
        using var home = new TempDir("hearth-failover-");
        InstallStories(home);
        await using var node = await StartAsync(Options(home, ClosedPort()));
        using var http = Client(node);

        using var response = await PostAsync(http, ChatBody("hearth/auto"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LocalModel, Header(response, "x-hearth-route"));
        Assert.Equal("true", Header(response, "x-hearth-degraded"));
        var reason = Header(response, "x-hearth-reason");
        Assert.StartsWith("predictive:", reason, StringComparison.Ordinal);
        Assert.Contains($"degraded: '{Remote}' unavailable (502 bad_gateway): answered by local '{LocalModel}'", reason, StringComparison.Ordinal);
        var body = JsonDocument.Parse(text).RootElement;
        // The body names the model that answered; the requested one travels in a header.
        Assert.Equal(LocalModel, body.GetProperty("model").GetString());
        Assert.Equal("hearth/auto", Header(response, "x-hearth-requested-model"));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()));
        // The ledger entry of the local answer carries the same reason.
        var entry = Assert.Single((await WaitForEntriesAsync(http, 1, "?route=" + LocalModel)).GetProperty("data").EnumerateArray());
        Assert.Contains("degraded:", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AutoModel_UpstreamAnswers503Streaming_LocalStreamMarkedDegraded()
    {
        using var home = new TempDir("hearth-failover-");
        InstallStories(home);
        await using var upstream = await Unavailable503();
        await using var node = await StartAsync(Options(home, upstream.BaseAddress));
        using var http = Client(node);

        using var response = await PostAsync(http, ChatBody("hearth/auto", stream: true));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, upstream.Hits(ChatPath));
        Assert.Equal("true", Header(response, "x-hearth-degraded"));
        Assert.Equal(LocalModel, Header(response, "x-hearth-route"));
        Assert.Contains($"'{Remote}' unavailable (502 bad_gateway)", Header(response, "x-hearth-reason"), StringComparison.Ordinal);
        Assert.DoesNotContain("overloaded", Header(response, "x-hearth-reason"), StringComparison.Ordinal);   // the upstream's error text stays out
        Assert.Contains("\"delta\"", text, StringComparison.Ordinal);
        Assert.Contains("data: [DONE]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"error\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AutoModel_UpstreamHealthy_NotDegraded()
    {
        using var home = new TempDir("hearth-failover-");
        InstallStories(home);
        await using var upstream = await Hearth.Benchmarks.Gateway.FixedResponseUpstream.StartAsync();
        await using var node = await StartAsync(Options(home, upstream.BaseAddress));
        using var http = Client(node);

        using var response = await PostAsync(http, ChatBody("hearth/auto"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Remote, Header(response, "x-hearth-route"));
        Assert.Equal("", Header(response, "x-hearth-degraded"));
        Assert.Equal(1, upstream.Requests);
    }

    [Fact]
    public async Task AutoModel_FixedPolicyPinsDownUpstream_Returns502NotALocalAnswer()
    {
        using var home = new TempDir("hearth-failover-");
        InstallStories(home);
        await using var node = await StartAsync(Options(home, ClosedPort()));
        using var http = Client(node);

        using var response = await PostAsync(http, ChatBody("hearth/auto"), policy: "fixed:" + Remote);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("bad_gateway", error.GetProperty("code").GetString());
        Assert.Contains("cloud", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("", Header(response, "x-hearth-degraded"));
    }
}

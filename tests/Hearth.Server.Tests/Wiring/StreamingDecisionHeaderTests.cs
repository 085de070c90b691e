using System.Net;
using Hearth.Routing.Policies;
using Hearth.Server.Configuration;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary>
/// Streamed answers carry the decision in their HTTP headers (sent before the first chunk) for every policy, including the
/// buffered ones (cascade, redacted) whose answers are replayed.
/// </summary>
public sealed class StreamingDecisionHeaderTests
{
    private const string Email = "ann.lee@example.org";

    private static HearthOptions Options(TempDir home, RecordingUpstream upstream) =>
        TestNodes.Options(home, TestNodes.Upstream("remote", upstream.BaseAddress, RecordingUpstream.ModelId)) with
        {
            Local = new LocalModelOptions { Threads = 1, KeepAliveSeconds = 600 },
            Routing = new RoutingOptions
            {
                Backends = [new BackendOptions(LocalModel, ModelTier.Small, IsLocal: true), new BackendOptions(RecordingUpstream.ModelId, ModelTier.Large, IsLocal: false, Site: "cloud")],
                Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = LocalModel, [ModelTier.Large] = RecordingUpstream.ModelId },
                DefaultPolicy = "local-only",
                Residency = ResidencyMode.RedactAndEscalate,
                Sites = new Dictionary<string, SiteOptions> { ["cloud"] = new() { Zone = "FRA" } },
            },
        };

    [Theory]
    [InlineData("local-only", "Once upon a time", LocalModel, "local-only: largest local backend")]
    [InlineData("fixed:gpt", "Once upon a time", RecordingUpstream.ModelId, "fixed: gpt")]
    [InlineData("predictive", "Once upon a time", null, "predictive: task ")]
    [InlineData("carbon-aware", "Once upon a time", null, "carbon-aware: ")]
    [InlineData("cascade", "Once upon a time", null, "cascade; cascade: ")]
    [InlineData("fixed:gpt", "Write to " + Email, RecordingUpstream.ModelId, "redacted before escalation")]
    public async Task Stream_EveryPolicy_RouteAndReasonInHeaders(string policy, string prompt, string? route, string reason)
    {
        using var home = new TempDir("hearth-stream-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var node = await StartAsync(Options(home, upstream));
        using var http = Client(node);
        var body = $$"""{"model":"hearth/auto","messages":[{"role":"user","content":"{{prompt}}"}],"max_tokens":6,"temperature":0,"stream":true}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(body) };
        request.Headers.Add("x-hearth-policy", policy);

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var routeHeader = Header(response, "x-hearth-route");
        var reasonHeader = Header(response, "x-hearth-reason");
        var sse = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, reasonHeader, StringComparison.Ordinal);
        Assert.Contains(routeHeader, new[] { LocalModel, RecordingUpstream.ModelId });
        if (route is not null)
        {
            Assert.Equal(route, routeHeader);
        }
        Assert.Equal(routeHeader == RecordingUpstream.ModelId, upstream.Bodies.Count == 1);
        Assert.EndsWith("data: [DONE]\n\n", sse, StringComparison.Ordinal);
        Assert.DoesNotContain("[[EMAIL_1]]", sse, StringComparison.Ordinal);
        if (prompt.Contains(Email, StringComparison.Ordinal))
        {
            Assert.Contains("echo: Write to " + Email, sse, StringComparison.Ordinal);
        }
        Assert.All(upstream.Bodies, b => Assert.DoesNotContain(Email, b, StringComparison.Ordinal));
    }
}

using System.Net;
using System.Text.Json;
using Hearth.Routing.Cascade;
using Hearth.Routing.Policies;
using Hearth.Server.Configuration;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary>
/// The node's cascade with the real stories260K model as the small tier: token log-probabilities come from the engine, the
/// learned scorer is the embedded cascade model, and self-consistency samples are drawn from the same local model (each one a
/// metered request). The large tier is a recording upstream.
/// </summary>
public sealed class CascadeWiringTests
{
    private static HearthOptions Options(TempDir home, RecordingUpstream upstream, CascadeVerifierOptions cascade) =>
        TestNodes.Options(home, TestNodes.Upstream("remote", upstream.BaseAddress, RecordingUpstream.ModelId)) with
        {
            Local = new LocalModelOptions { Threads = 1, KeepAliveSeconds = 600 },
            Routing = new RoutingOptions
            {
                Backends = [new BackendOptions(LocalModel, ModelTier.Small, IsLocal: true), new BackendOptions(RecordingUpstream.ModelId, ModelTier.Large, IsLocal: false, Site: "cloud")],
                Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = LocalModel, [ModelTier.Large] = RecordingUpstream.ModelId },
                DefaultPolicy = "cascade",
                Cascade = cascade,
            },
        };

    private static string Body(bool logprobs = false) =>
        $$"""{"model":"hearth/auto","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":16,"temperature":0,"seed":7{{(logprobs ? ",\"logprobs\":true" : "")}}}""";

    [Fact]
    public async Task Cascade_DefaultVerifier_DecidesWithReasonNamingEngineLogProbs()
    {
        using var home = new TempDir("hearth-cascade-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var node = await StartAsync(Options(home, upstream, new CascadeVerifierOptions()));
        using var http = Client(node);

        using var response = await http.PostAsync("/v1/chat/completions", Json(Body()));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var reason = Header(response, "x-hearth-reason");
        var route = Header(response, "x-hearth-route");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("cascade; cascade: ", reason, StringComparison.Ordinal);
        // The engine's log-probs reached the verifier: either a log-prob check failed or it passed and is listed.
        Assert.Contains("log-prob", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("no token log-probs", reason, StringComparison.Ordinal);
        Assert.False(body.GetProperty("choices")[0].TryGetProperty("logprobs", out var lp) && lp.ValueKind != JsonValueKind.Null, "logprobs were not asked for");
        if (reason.Contains("cascade: escalated", StringComparison.Ordinal))
        {
            Assert.Equal(RecordingUpstream.ModelId, route);
            Assert.Single(upstream.Bodies);
        }
        else
        {
            Assert.Contains("accepted", reason, StringComparison.Ordinal);
            Assert.Contains("scorer", reason, StringComparison.Ordinal);
            Assert.Contains("self-consistency", reason, StringComparison.Ordinal);
            Assert.Equal(LocalModel, route);
            Assert.Empty(upstream.Bodies);
        }
    }

    [Fact]
    public async Task Cascade_ChecksOpenedToSelfConsistency_DrawsKLocalSamplesAndNamesEverySignal()
    {
        using var home = new TempDir("hearth-cascade-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        var cascade = new CascadeVerifierOptions
        {
            MinMeanLogProb = -1000, MinTokenLogProb = -1000, ScorerEscalationShare = 0, SelfConsistencySamples = 2, MinAgreement = 0,
        };
        await using var node = await StartAsync(Options(home, upstream, cascade));
        using var http = Client(node);

        using var response = await http.PostAsync("/v1/chat/completions", Json(Body(logprobs: true)));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var reason = Header(response, "x-hearth-reason");
        var entries = (await WaitForEntriesAsync(http, 3, "?route=" + LocalModel)).GetProperty("data");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LocalModel, Header(response, "x-hearth-route"));
        Assert.Contains("cascade: accepted small answer (checks passed: log-prob mean -", reason, StringComparison.Ordinal);
        Assert.Contains("over 16 tokens", reason, StringComparison.Ordinal);
        Assert.Contains("scorer", reason, StringComparison.Ordinal);
        Assert.Matches(@"self-consistency [0-2]/2 samples agree", reason);
        // The first answer plus two samples, all on the local model; nothing left the node.
        Assert.Equal(3, entries.GetArrayLength());
        Assert.Empty(upstream.Bodies);
        // The client asked for log-probs, so they are kept in its answer.
        Assert.Equal(16, body.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("content").GetArrayLength());
    }

    [Fact]
    public async Task Cascade_TokenLogProbFloorUnreachable_EscalatesNamingTheLogProbSignal()
    {
        using var home = new TempDir("hearth-cascade-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        // Every real token has log-prob < 0, so a floor of 0 fails on the engine's own figures.
        var cascade = new CascadeVerifierOptions { MinMeanLogProb = -1000, MinTokenLogProb = 0 };
        await using var node = await StartAsync(Options(home, upstream, cascade));
        using var http = Client(node);

        using var response = await http.PostAsync("/v1/chat/completions", Json(Body()));
        var reason = Header(response, "x-hearth-reason");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(RecordingUpstream.ModelId, Header(response, "x-hearth-route"));
        Assert.Contains("cascade: escalated (min token log-prob -", reason, StringComparison.Ordinal);
        Assert.Contains("< 0.00", reason, StringComparison.Ordinal);
        Assert.Single(upstream.Bodies);
    }
}

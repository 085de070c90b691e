using Hearth.Contracts;
using System.Diagnostics;
using System.Text.Json;
using Hearth.Routing.Carbon;
using Hearth.Routing.Learning;
using Hearth.Routing.Policies;
using Hearth.Routing.Hybrid;
using Hearth.Routing.Sensitive;
using Hearth.Routing.Tests.Fakes;
using Microsoft.Extensions.AI;
using Xunit.Abstractions;

namespace Hearth.Routing.Tests.Sensitive;

/// <summary>
/// The residency bar: ≥ 10,000 generated requests with planted canaries under every policy, sent through the router to a
/// real loopback HTTP upstream that records every body; zero canaries may reach it.
/// </summary>
public sealed class CanaryResidencyTests(ITestOutputHelper output)
{
    private const int RequestsPerPolicy = 10_000;

    private static readonly string[] s_policies = ["local-only", "predictive", "cascade", "carbon-aware", "fixed:cloud-large"];

    private sealed class CloudIsGreen : ICarbonEstimate
    {
        public ValueTask<CarbonForecast> EstimateAsync(BackendOptions backend, int promptTokens, int outputTokens, CancellationToken cancellationToken) =>
            ValueTask.FromResult(backend.IsLocal ? new CarbonForecast(0.5, 400, false) : new CarbonForecast(0.2, 20, true));
    }

    private static RoutingOptions Options(ResidencyMode mode, bool withLocal) => new()
    {
        Backends = withLocal
            ? [new BackendOptions("local-small", ModelTier.Small, IsLocal: true), new BackendOptions("cloud-large", ModelTier.Large, IsLocal: false, Site: "cloud-eu")]
            : [new BackendOptions("cloud-large", ModelTier.Large, IsLocal: false, Site: "cloud-eu")],
        Tiers = withLocal
            ? new Dictionary<ModelTier, string> { [ModelTier.Small] = "local-small", [ModelTier.Large] = "cloud-large" }
            : new Dictionary<ModelTier, string> { [ModelTier.Small] = "cloud-large" },
        DefaultPolicy = withLocal ? "local-only" : "fixed:cloud-large",
        Residency = mode,
        Sensitive = new SensitiveDataOptions { Terms = CanaryGenerator.Terms },
        // Maximum pressure: the predictive and carbon-aware policies want the remote large model for every request.
        PredictiveEscalationShare = 1.0,
    };

    private static List<string> UpstreamTexts(IReadOnlyList<string> bodies, int from)
    {
        var texts = new List<string>();
        for (int i = from; i < bodies.Count; i++)
        {
            using var doc = JsonDocument.Parse(bodies[i]);
            foreach (var m in doc.RootElement.GetProperty("messages").EnumerateArray())
            {
                texts.Add(m.GetProperty("content").GetString() ?? string.Empty);
            }
        }
        return texts;
    }

    private static bool Leaks(Canary c, List<string> texts)
    {
        foreach (var t in texts)
        {
            if (t.Contains(c.Value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            if (c.IsNumeric && c.Digits.Length >= 9 && new string(t.Where(char.IsAsciiDigit).ToArray()).Contains(c.Digits, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    [Fact]
    public async Task Router_TenThousandCanaryRequestsPerPolicy_NoCanaryReachesUpstream()
    {
        await using var server = new RecordingUpstreamServer();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var cloud = new HttpUpstreamChatClient(http);
        // The local model refuses, so the cascade always wants to escalate.
        var local = new FakeChatClient(_ => "I'm sorry, but I can't help with that.");
        var clients = new Dictionary<string, IChatClient> { ["local-small"] = local, ["cloud-large"] = cloud };
        var predictive = EmbeddedRouters.Predictive();
        var routers = new[] { ResidencyMode.KeepLocal, ResidencyMode.RedactAndEscalate }
            .Select(m => new HybridRouter(Options(m, withLocal: true), clients, predictive, carbon: new CloudIsGreen()))
            .ToArray();
        var gen = new CanaryGenerator(2026);
        var rng = new Random(5);
        int total = 0, planted = 0, leaked = 0, declared = 0, declaredLeaked = 0, clean = 0, cleanUpstream = 0, redactedUpstream = 0, restored = 0, refused = 0;
        var sw = Stopwatch.StartNew();
        foreach (var policy in s_policies)
        {
            for (int i = 0; i < RequestsPerPolicy; i++)
            {
                var router = routers[i % 2];
                var kindOfRequest = rng.Next(10);
                var canaries = new List<Canary>();
                var messages = new List<ChatMessage>();
                var options = Requests.With(new RequestFacts { Policy = policy });
                string? nonce = null;
                if (kindOfRequest == 0)
                {
                    nonce = $"zq{i}x{policy.Length}declared";
                    options.SetRequestFacts(options.GetRequestFacts() with { Confidential = true });
                    messages.Add(new ChatMessage(ChatRole.User, "Summarize the board minutes " + nonce));
                    declared++;
                }
                else if (kindOfRequest == 1)
                {
                    messages.Add(new ChatMessage(ChatRole.User, "What is the capital of France? Answer in one word."));
                    clean++;
                }
                else
                {
                    int turns = 1 + rng.Next(3);
                    for (int t = 0; t < turns; t++)
                    {
                        var role = t == 0 && rng.Next(4) == 0 ? ChatRole.System : t % 2 == 0 ? ChatRole.User : ChatRole.Assistant;
                        var text = "Please help with this request.";
                        if (t == turns - 1 || rng.Next(2) == 0)
                        {
                            var c = gen.Next();
                            canaries.Add(c);
                            text = gen.Embed(c);
                        }
                        messages.Add(new ChatMessage(role, text));
                    }
                    if (messages[^1].Role != ChatRole.User)
                    {
                        messages.Add(new ChatMessage(ChatRole.User, gen.Embed(canaries[^1])));
                    }
                    planted += canaries.Count;
                }
                var before = server.Bodies.Count;
                string answer;
                string route;
                try
                {
                    if (i % 5 == 0)
                    {
                        var updates = new List<ChatResponseUpdate>();
                        await foreach (var u in router.GetStreamingResponseAsync(messages, options))
                        {
                            updates.Add(u);
                        }
                        var r = updates.ToChatResponse();
                        answer = r.Text;
                        route = updates.Select(u => u.GetRoutingOutcome()?.Backend).FirstOrDefault(s => s is not null)
                            ?? r.GetRoutingOutcome()?.Backend ?? "?";
                    }
                    else
                    {
                        var r = await router.GetResponseAsync(messages, options);
                        answer = r.Text;
                        route = r.GetRoutingOutcome()?.Backend ?? "?";
                    }
                }
                catch (ResidencyRefusedException e)
                {
                    if (refused < 5)
                    {
                        output.WriteLine($"refused: {e.Message} :: {string.Join(" | ", messages.Select(m => m.Text))}");
                    }
                    refused++;
                    answer = string.Empty;
                    route = "refused";
                }
                total++;
                var sent = UpstreamTexts(server.Bodies, before);
                leaked += canaries.Count(c => Leaks(c, sent));
                if (nonce is not null && sent.Any(t => t.Contains(nonce, StringComparison.Ordinal)))
                {
                    declaredLeaked++;
                }
                if (kindOfRequest == 1 && sent.Count > 0)
                {
                    cleanUpstream++;
                }
                if (canaries.Count > 0 && sent.Count > 0)
                {
                    redactedUpstream++;
                    if (route == "cloud-large" && answer.Contains(canaries[^1].Value, StringComparison.Ordinal))
                    {
                        restored++;
                    }
                }
            }
        }
        var guardBlocks = routers.Sum(r => r.GuardBlockedCount);
        output.WriteLine($"requests={total} ({RequestsPerPolicy} per policy x {s_policies.Length} policies) canaries planted={planted} leaked={leaked}; " +
            $"declared-confidential={declared} leaked={declaredLeaked}; clean={clean} reached upstream={cleanUpstream}; " +
            $"redacted requests escalated={redactedUpstream} answers restored={restored}; refused={refused}; guard blocks={guardBlocks}; " +
            $"upstream bodies={server.Bodies.Count}; {sw.Elapsed.TotalSeconds:F1} s");
        Assert.True(total >= 50_000);
        Assert.True(planted >= 50_000);
        Assert.Equal(0, leaked);
        Assert.Equal(0, declaredLeaked);
        Assert.Equal(0, refused);
        Assert.Equal(0, guardBlocks);
        // The upstream is really in use: clean requests under remote-leaning policies and redacted escalations reach it.
        Assert.True(cleanUpstream > 1000, $"clean requests upstream: {cleanUpstream}");
        Assert.True(redactedUpstream > 1000, $"redacted escalations: {redactedUpstream}");
        Assert.True(restored > 500, $"restored answers: {restored}");
    }

    [Fact]
    public async Task Router_NoLocalBackend_RefusesEveryCanaryRequestTyped()
    {
        await using var server = new RecordingUpstreamServer();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var router = new HybridRouter(Options(ResidencyMode.KeepLocal, withLocal: false),
            new Dictionary<string, IChatClient> { ["cloud-large"] = new HttpUpstreamChatClient(http) });
        var gen = new CanaryGenerator(77);
        int refused = 0;
        for (int i = 0; i < 1000; i++)
        {
            var c = gen.Next();
            var e = await Assert.ThrowsAsync<ResidencyRefusedException>(() =>
                router.GetResponseAsync([new ChatMessage(ChatRole.User, gen.Embed(c))]));
            Assert.Contains("cloud-large", e.Message, StringComparison.Ordinal);
            refused++;
        }
        var clean = await router.GetResponseAsync([new ChatMessage(ChatRole.User, "Name three rivers.")]);
        Assert.Equal(1000, refused);
        Assert.Single(server.Bodies);
        Assert.Equal("cloud-large", clean.GetRoutingOutcome()?.Backend);
    }
}

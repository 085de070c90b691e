using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.Routing.Policies;
using Hearth.Routing.Tests.Sensitive;
using Hearth.Server.Configuration;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using Xunit.Abstractions;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary>
/// Issue 10 item 4 through a real node: <see cref="RegistryCanaryGenerator"/> values (every ISO 13616 registry country, IIN
/// ranges, tax ids, NINOs, SSNs, in real-world layouts and contexts) are sent to <c>hearth/auto</c> over HTTP; the router
/// is forced to want the remote model for every request and redacts before escalating, so every request reaches the
/// recording upstream — and no planted value may be in what it receives.
/// </summary>
public sealed class CanaryNodeResidencyTests(ITestOutputHelper output)
{
    private const int Requests = 2_000;

    private static string Alnum(string s) => new([.. s.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant)]);

    [Fact]
    public async Task AutoModel_RegistryCanaryRequestsRedactedAndEscalated_NoneReachesUpstream()
    {
        using var home = new TempDir("hearth-canary-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        var options = TestNodes.Options(home, TestNodes.Upstream("remote", upstream.BaseAddress, RecordingUpstream.ModelId)) with
        {
            Local = new LocalModelOptions { Threads = 1, KeepAliveSeconds = 600 },
            Routing = new RoutingOptions
            {
                Backends = [new BackendOptions(LocalModel, ModelTier.Small, IsLocal: true), new BackendOptions(RecordingUpstream.ModelId, ModelTier.Large, IsLocal: false, Site: "cloud")],
                Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = LocalModel, [ModelTier.Large] = RecordingUpstream.ModelId },
                DefaultPolicy = "predictive",
                PredictiveEscalationShare = 1.0,
                Residency = ResidencyMode.RedactAndEscalate,
            },
        };
        await using var node = await StartAsync(options);
        using var http = Client(node);
        var gen = new RegistryCanaryGenerator(1010);
        int leaked = 0, notOk = 0;
        var examples = new List<string>();
        for (var i = 0; i < Requests; i++)
        {
            var canary = gen.Next();
            var body = JsonSerializer.Serialize(new
            {
                model = "hearth/auto",
                messages = new[] { new { role = "user", content = gen.Embed(canary) } },
                max_tokens = 4,
                stream = i % 5 == 0,
            });
            var before = upstream.Bodies.Count;
            using var response = await http.PostAsync("/v1/chat/completions", Json(body));
            _ = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                notOk++;
            }
            foreach (var sent in upstream.Bodies.Skip(before))
            {
                var text = new StringBuilder();
                using var doc = JsonDocument.Parse(sent);
                foreach (var m in doc.RootElement.GetProperty("messages").EnumerateArray())
                {
                    text.Append(m.GetProperty("content").GetString()).Append('\n');
                }
                if (Alnum(text.ToString()).Contains(Alnum(canary.Value), StringComparison.Ordinal))
                {
                    leaked++;
                    if (examples.Count < 10)
                    {
                        examples.Add($"{canary.Kind}: {canary.Value.ReplaceLineEndings("\\n")}");
                    }
                }
            }
        }
        output.WriteLine($"requests={Requests} upstream bodies={upstream.Bodies.Count} leaked={leaked} non-200={notOk}");
        foreach (var e in examples)
        {
            output.WriteLine("  leaked " + e);
        }
        Assert.Equal(0, leaked);
        Assert.Equal(0, notOk);
        // Every request was escalated (redacted): the upstream path is really exercised.
        Assert.Equal(Requests, upstream.Bodies.Count);
    }
}

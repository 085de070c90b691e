using Hearth.Contracts;
using System.Text;
using System.Text.Json;
using Hearth.Routing.Learning;
using Hearth.Routing.Policies;
using Hearth.Routing.Hybrid;
using Hearth.Routing.Sensitive;
using Hearth.Routing.Tests.Fakes;
using Microsoft.Extensions.AI;
using Xunit.Abstractions;

namespace Hearth.Routing.Tests.Sensitive;

/// <summary>
/// Residency against <see cref="RegistryCanaryGenerator"/> (values from the ISO 13616 registry examples and issuers' IIN
/// ranges, written in real-world layouts): every planted value is detected, and none reaches a real loopback upstream.
/// </summary>
public sealed class RegistryCanaryResidencyTests(ITestOutputHelper output)
{
    private static readonly string[] s_ibanLayouts = ["compact", "lower", "mixed", "spaces", "nbsp", "dashes", "line-break", "url-encoded"];

    private static readonly string[] s_contexts =
    [
        "src={0}", "({0})", "{0},", "{0}.", "iban:{0};", "{{\"iban\":\"{0}\"}}", "https://bank.example/t?to={0}&x=1", "<b>{0}</b>",
        "| {0} |", "'{0}'", "IBAN{0}", "{0}\n", "pay to {0} today",
    ];

    /// <summary>Upper-case letters and digits only: how a value is compared wherever it may appear.</summary>
    private static string Alnum(string s) => new([.. s.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant)]);

    private static string Layout(string compact, string layout)
    {
        static string Group(string s, string sep) => string.Join(sep, s.Chunk(4).Select(c => new string(c)));
        return layout switch
        {
            "compact" => compact,
            "lower" => compact.ToLowerInvariant(),
            "mixed" => string.Concat(compact.Select((c, i) => i % 2 == 0 ? char.ToLowerInvariant(c) : c)),
            "spaces" => Group(compact, " "),
            "nbsp" => Group(compact, "\u00A0"),
            "dashes" => Group(compact, "-"),
            "line-break" => Group(compact, " ").Insert(9, "\n").Remove(10, 1),
            _ => Group(compact, "%20"),
        };
    }

    /// <summary>The detector's table (written from the registry's BBAN structures) and the registry's example IBANs agree.</summary>
    [Fact]
    public void IbanRegistry_RegistryExamples_SameCountriesAndLengths()
    {
        var examples = RegistryCanaryGenerator.RegistryExamples.ToDictionary(e => e[..2], e => e.Length, StringComparer.Ordinal);

        Assert.Equal(examples.Keys.Order(StringComparer.Ordinal), IbanRegistry.Countries.Order(StringComparer.Ordinal));
        Assert.All(examples, e => Assert.Equal(e.Value, IbanRegistry.Length(e.Key)));
    }

    [Fact]
    public void Detect_EveryRegistryCountryEveryLayoutAndContext_WholeIbanFlagged()
    {
        var detector = new SensitiveDataDetector();
        var gen = new RegistryCanaryGenerator(13616);
        var misses = new List<string>();
        var checkedCount = 0;
        var missCount = 0;
        foreach (var example in RegistryCanaryGenerator.RegistryExamples)
        {
            var country = example[..2];
            foreach (var layout in s_ibanLayouts)
            {
                foreach (var context in s_contexts)
                {
                    var compact = gen.CompactIban(country);
                    var value = Layout(compact, layout);
                    var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, context, value);
                    var at = text.IndexOf(value, StringComparison.Ordinal);
                    // Covered by a span of any kind: a merged span keeps the kind that starts first (src=… may also be a long token).
                    var covered = detector.Detect(text).Any(s => s.Start <= at && s.End >= at + value.Length);
                    checkedCount++;
                    if (!covered)
                    {
                        missCount++;
                    }
                    if (!covered && misses.Count < 40)
                    {
                        misses.Add($"{country} {layout}: {text.ReplaceLineEndings("\\n")}");
                    }
                }
            }
        }
        output.WriteLine($"{RegistryCanaryGenerator.RegistryExamples.Length} countries x {s_ibanLayouts.Length} layouts x {s_contexts.Length} contexts = {checkedCount} texts; misses: {missCount}");
        foreach (var m in misses)
        {
            output.WriteLine("  missed " + m);
        }
        Assert.Empty(misses);
    }

    [Fact]
    public void Detect_RegistryCanaries_EveryKindFlagged()
    {
        var detector = new SensitiveDataDetector();
        var gen = new RegistryCanaryGenerator(2027);
        var planted = new Dictionary<SensitiveKind, int>();
        var missed = new Dictionary<SensitiveKind, int>();
        var examples = new List<string>();
        for (var i = 0; i < 20_000; i++)
        {
            var c = gen.Next();
            var text = gen.Embed(c);
            planted[c.Kind] = planted.GetValueOrDefault(c.Kind) + 1;
            var redacted = new Redaction().Redact(text, detector.Detect(text));
            if (Alnum(redacted).Contains(Alnum(c.Value), StringComparison.Ordinal))
            {
                missed[c.Kind] = missed.GetValueOrDefault(c.Kind) + 1;
                if (examples.Count < 30)
                {
                    examples.Add($"{c.Kind}: {text.ReplaceLineEndings("\\n")}");
                }
            }
        }
        output.WriteLine("planted / missed: " + string.Join(", ", planted.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}/{missed.GetValueOrDefault(p.Key)}")));
        foreach (var e in examples)
        {
            output.WriteLine("  missed " + e);
        }
        Assert.Empty(missed);
    }

    [Fact]
    public async Task Router_RegistryCanaryRequestsUnderEveryPolicy_NoCanaryReachesUpstream()
    {
        await using var server = new RecordingUpstreamServer();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var clients = new Dictionary<string, IChatClient>
        {
            ["local-small"] = new FakeChatClient(_ => "I'm sorry, but I can't help with that."),
            ["cloud-large"] = new HttpUpstreamChatClient(http),
        };
        var routers = new[] { ResidencyMode.KeepLocal, ResidencyMode.RedactAndEscalate }.Select(mode => new HybridRouter(new RoutingOptions
        {
            Backends = [new BackendOptions("local-small", ModelTier.Small, IsLocal: true), new BackendOptions("cloud-large", ModelTier.Large, IsLocal: false, Site: "cloud-eu")],
            Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = "local-small", [ModelTier.Large] = "cloud-large" },
            DefaultPolicy = "local-only",
            Residency = mode,
            PredictiveEscalationShare = 1.0,
        }, clients, EmbeddedRouters.Predictive())).ToArray();
        string[] policies = ["predictive", "cascade", "fixed:cloud-large"];
        var gen = new RegistryCanaryGenerator(4711);
        int planted = 0, leaked = 0, upstreamRequests = 0;
        var examples = new List<string>();
        for (var i = 0; i < 12_000; i++)
        {
            var c = gen.Next();
            var options = Requests.With(new RequestFacts { Policy = policies[i % policies.Length] });
            var before = server.Bodies.Count;
            _ = await routers[i % 2].GetResponseAsync([new ChatMessage(ChatRole.User, gen.Embed(c))], options);
            planted++;
            var sent = server.Bodies.Skip(before).ToList();
            upstreamRequests += sent.Count;
            foreach (var body in sent)
            {
                using var doc = JsonDocument.Parse(body);
                var text = new StringBuilder();
                foreach (var m in doc.RootElement.GetProperty("messages").EnumerateArray())
                {
                    text.Append(m.GetProperty("content").GetString()).Append('\n');
                }
                if (Alnum(text.ToString()).Contains(Alnum(c.Value), StringComparison.Ordinal))
                {
                    leaked++;
                    if (examples.Count < 20)
                    {
                        examples.Add($"{c.Kind}: {c.Value.ReplaceLineEndings("\\n")}");
                    }
                }
            }
        }
        output.WriteLine($"requests={planted} upstream bodies={upstreamRequests} leaked={leaked} guard blocks={routers.Sum(r => r.GuardBlockedCount)}");
        foreach (var e in examples)
        {
            output.WriteLine("  leaked " + e);
        }
        Assert.Equal(0, leaked);
        Assert.Equal(0, routers.Sum(r => r.GuardBlockedCount));
        // Redact-and-escalate really sends (redacted) requests upstream: the test exercises the remote path.
        Assert.True(upstreamRequests > 2000, $"upstream requests: {upstreamRequests}");
    }
}

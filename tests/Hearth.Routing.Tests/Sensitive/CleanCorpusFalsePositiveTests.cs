using Hearth.Routing.Sensitive;
using Hearth.Routing.Tests.Evaluation;
using Xunit.Abstractions;

namespace Hearth.Routing.Tests.Sensitive;

/// <summary>False positives of the detector on a clean corpus: every shared RouteLLM prompt (and GSM8K answer), none holding real personal data.</summary>
[Collection(SharedRouteLlmCollection.Name)]
public sealed class CleanCorpusFalsePositiveTests(SharedRouteLlmData data, ITestOutputHelper output)
{
    [Fact]
    public void Detect_CleanCorpus_FalsePositiveRateReportedAndLow()
    {
        var detector = new SensitiveDataDetector();
        var texts = data.Mmlu.Select(e => e.Prompt)
            .Concat(data.Gsm8k.Select(e => e.Prompt))
            .Concat(data.Gsm8k.Select(e => e.WeakResponse!))
            .Concat(data.MtBench.Select(e => e.Prompt))
            .ToList();
        var byKind = new Dictionary<SensitiveKind, int>();
        int flagged = 0;
        var examples = new List<string>();
        foreach (var t in texts)
        {
            var spans = detector.Detect(t);
            if (spans.Count == 0)
            {
                continue;
            }
            flagged++;
            foreach (var s in spans)
            {
                byKind[s.Kind] = byKind.GetValueOrDefault(s.Kind) + 1;
                if (examples.Count < 15)
                {
                    examples.Add($"{s.Kind}: '{t.Substring(s.Start, s.Length)}'");
                }
            }
        }
        var rate = (double)flagged / texts.Count;
        output.WriteLine($"clean corpus: {texts.Count} texts, {flagged} flagged, false-positive rate {rate:P3}; by kind: {string.Join(", ", byKind.Select(kv => $"{kv.Key}={kv.Value}"))}");
        foreach (var e in examples)
        {
            output.WriteLine("  " + e);
        }
        Assert.True(rate < 0.01, $"false-positive rate {rate:P3}");
    }
}

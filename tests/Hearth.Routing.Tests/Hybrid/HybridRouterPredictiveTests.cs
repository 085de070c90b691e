using Hearth.Contracts;
using System.Globalization;
using System.Text.RegularExpressions;
using Hearth.Routing.Learning;
using Hearth.Routing.Hybrid;
using Hearth.Routing.Tests.Evaluation;
using Hearth.Routing.Tests.Fakes;
using Hearth.Routing.Tests.Policies;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Tests.Hybrid;

/// <summary>
/// The predictive policy against the embedded model on the shared prompts: every decision follows the model's own score and
/// the threshold calibrated for the configured share, and the share of escalations lands near that share.
/// </summary>
[Collection(SharedRouteLlmCollection.Name)]
public sealed partial class HybridRouterPredictiveTests(SharedRouteLlmData data)
{
    private static HybridRouter Router(double share) => new(
        RoutingOptionsTests.Valid() with { PredictiveEscalationShare = share },
        new Dictionary<string, IChatClient> { ["phi"] = new FakeChatClient(_ => "phi"), ["qwen-14b"] = new FakeChatClient(_ => "qwen"), ["gpt"] = new FakeChatClient(_ => "gpt") },
        EmbeddedRouters.Predictive());

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    public async Task Predictive_SharedPrompts_DecisionFollowsScoreAndShareNearTarget(double share)
    {
        var model = EmbeddedRouters.Predictive();
        var threshold = model.ThresholdForEscalationShare(share);
        var router = Router(share);
        var options = Requests.With(new RequestFacts { Policy = "predictive" });
        // Every 7th prompt of the three datasets the model was trained on (its quantiles describe that mix).
        var prompts = data.Gsm8k.Concat(data.Mmlu).Concat(data.MtBench).Where((_, i) => i % 7 == 0).Select(e => e.Prompt).ToList();
        var escalated = 0;
        foreach (var prompt in prompts)
        {
            var d = await router.DecideAsync([new ChatMessage(ChatRole.User, prompt)], options, CancellationToken.None);
            var score = model.EscalationScore(prompt);
            var expected = score >= threshold ? "gpt" : "phi";
            Assert.Equal(expected, d.Backend);
            var reported = double.Parse(Score().Match(d.Reason).Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.Equal(score, reported, 3);
            escalated += d.Backend == "gpt" ? 1 : 0;
        }
        var actual = (double)escalated / prompts.Count;
        Assert.InRange(actual, share - 0.1, share + 0.1);
        Assert.InRange(threshold, 0.0, 1.0);
    }

    [GeneratedRegex(@"score (\d+\.\d+) ")]
    private static partial Regex Score();
}

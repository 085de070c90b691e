using System.Diagnostics;
using Hearth.Routing.Evaluation;
using Hearth.Routing.Learning;
using Xunit.Abstractions;

namespace Hearth.Routing.Tests.Evaluation;

/// <summary>The bars, 5-fold on the shared data with the default (documented) settings and seed.</summary>
[Collection(SharedRouteLlmCollection.Name)]
public sealed class RouterBarsTests(SharedRouteLlmData data, ITestOutputHelper output)
{
    private EvaluationReport Run(IReadOnlyList<RoutingExample> examples, RouterKind kind, string name)
    {
        var sw = Stopwatch.StartNew();
        var report = RouterEvaluator.CrossValidate(examples, 5, new RouterTrainingOptions { Kind = kind }, CancellationToken.None);
        output.WriteLine($"{name} {kind} ({sw.Elapsed.TotalSeconds:F1} s)\n{EvaluationReportWriter.ToText(report)}");
        Assert.Equal(0.5, report.Random.Score.Apgr, 9);
        Assert.True(report.Oracle.Score.Apgr > report.Router.Score.Apgr);
        return report;
    }

    [Fact]
    public void CrossValidate_PredictiveGsm8k_ApgrAtLeast062()
    {
        Assert.True(Run(data.Gsm8k, RouterKind.Predictive, "gsm8k").Router.Score.Apgr >= 0.62);
    }

    [Fact]
    public void CrossValidate_PredictiveMmlu_ApgrAtLeast062()
    {
        Assert.True(Run(data.Mmlu, RouterKind.Predictive, "mmlu").Router.Score.Apgr >= 0.62);
    }

    [Fact]
    public void CrossValidate_CascadeGsm8k_ApgrAtLeast075()
    {
        Assert.True(Run(data.Gsm8k, RouterKind.Cascade, "gsm8k").Router.Score.Apgr >= 0.75);
    }
}

using BenchmarkDotNet.Attributes;
using Hearth.Routing.Learning;
using Hearth.Routing.Sensitive;

namespace Hearth.Bench.Routing;

/// <summary>
/// Per-request routing costs: the predictive router's decision (featurize + score) and the sensitive-data scan, on a
/// short chat prompt and a long multiple-choice prompt. Run: dotnet run -c Release --project bench/Hearth.Bench -- --filter '*RouterDecision*'
/// </summary>
[MemoryDiagnoser]
public class RouterDecisionBenchmarks
{
    private const string Short = "What is the capital of Australia? Answer in one word.";

    private static readonly string s_long =
        "A 45-year-old patient presents with fatigue, weight gain and cold intolerance. Laboratory studies show an elevated TSH " +
        "and a low free T4. Which of the following is the most likely cause in an iodine-sufficient region?\n" +
        "A. Graves disease\nB. Hashimoto thyroiditis\nC. Subacute granulomatous thyroiditis\nD. Pituitary adenoma\nAnswer:";

    private RouterModel _model = null!;
    private SensitiveDataDetector _detector = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = EmbeddedRouters.Predictive();
        _detector = new SensitiveDataDetector();
    }

    [Benchmark]
    public double DecideShort() => _model.EscalationScore(Short);

    [Benchmark]
    public double DecideLong() => _model.EscalationScore(s_long);

    [Benchmark]
    public int ScanLong() => _detector.Detect(s_long).Count;
}

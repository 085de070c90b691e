using BenchmarkDotNet.Attributes;
using Hearth.Inference.Engine;
using Hearth.Inference.Engine.Json;
using Hearth.Inference.Engine.Sampling;

namespace Hearth.Bench.Engine;

/// <summary>
/// Per-token sampling cost over a SmolLM2-sized vocabulary (49,152): greedy, top-k + top-p, and the JSON mask (a synthetic
/// vocabulary of 1–8 printable ASCII characters per token). Run: dotnet run -c Release --project bench/Hearth.Bench -- --filter '*Sampling*'
/// </summary>
[MemoryDiagnoser]
public class SamplingBenchmarks
{
    private const int Vocabulary = 49_152;
    private readonly float[] _logits = new float[Vocabulary];
    private readonly float[] _work = new float[Vocabulary];
    private Sampler _greedy = null!;
    private Sampler _nucleus = null!;
    private Sampler _nucleusOnly = null!;
    private JsonTokenTable _table = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        for (var i = 0; i < _logits.Length; i++)
        {
            _logits[i] = (float)(random.NextDouble() * 20 - 10);
        }
        _greedy = new Sampler(SamplingOptions.Greedy, Vocabulary);
        _nucleus = new Sampler(new SamplingOptions { Temperature = 0.8f, TopK = 40, TopP = 0.95f, Seed = 1 }, Vocabulary);
        _nucleusOnly = new Sampler(new SamplingOptions { Temperature = 0.8f, TopP = 0.95f, Seed = 1 }, Vocabulary);
        _table = JsonTokenTable.FromTexts(Enumerable.Range(0, Vocabulary)
            .Select(_ => new string(Enumerable.Range(0, random.Next(1, 9)).Select(_ => (char)random.Next(32, 127)).ToArray()))
            .ToArray());
    }

    [Benchmark(Baseline = true)]
    public int Greedy() => _greedy.Choose(_logits);

    [Benchmark]
    public int TopK40TopP95() => _nucleus.Choose(_logits);

    [Benchmark]
    public int TopP95FullSort() => _nucleusOnly.Choose(_logits);

    [Benchmark]
    public float JsonMaskAtObjectStart()
    {
        _logits.CopyTo(_work, 0);
        var constraint = new JsonTokenConstraint(_table);
        constraint.Mask(_work, remainingTokens: 100);
        return _work[0];
    }
}

using System.Diagnostics;
using Hearth.Inference.Engine;
using Hearth.Inference.Engine.Sampling;
using Hearth.Inference.Engine.Scheduling;
using Hearth.Inference.Models;

namespace Hearth.Benchmarks.Engine;

/// <summary>
/// Aggregate decode speed of N concurrent sequences on one model, through its step scheduler (batched decode), for each N
/// asked: per run, N sequences with different fixed-seed random prompts are prefilled (not timed), then decode
/// <see cref="EngineBenchmarkOptions.GenerateTokens"/> greedy tokens each, concurrently; the rate is N × tokens ÷ the wall
/// time until the last finishes. Median of <see cref="EngineBenchmarkOptions.Runs"/> after the warm-up runs. The model must
/// be loaded with <see cref="EngineOptions.MaxConcurrentSequences"/> ≥ the largest N, and nothing else may use it meanwhile.
/// </summary>
public static class ParallelDecodeBenchmark
{
    /// <summary>1, 2, 4, … below <paramref name="max"/>, then <paramref name="max"/>.</summary>
    public static IReadOnlyList<int> Levels(int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var levels = new List<int>();
        for (var n = 1; n < max; n *= 2)
        {
            levels.Add(n);
        }
        levels.Add(max);
        return levels;
    }

    public static ParallelBenchmarkResult Run(LoadedModel model, EngineBenchmarkOptions options, IReadOnlyList<int> levels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(levels);
        options.Validate();
        var needed = options.PromptTokens + options.GenerateTokens;
        if (needed > model.Info.ContextLength)
        {
            throw new ContextOverflowException(needed, model.Info.ContextLength);
        }
        foreach (var n in levels)
        {
            if (n < 1 || n > model.Options.MaxConcurrentSequences)
            {
                throw new ArgumentOutOfRangeException(nameof(levels), n, $"Each level must be between 1 and the model's MaxConcurrentSequences ({model.Options.MaxConcurrentSequences}).");
            }
        }
        var vocabulary = model.Hyperparameters.VocabularySize;
        var random = new SeededRandom(20260115);
        var most = levels.Max();
        var prompts = new int[most][];
        var caches = new KvCache[most];
        var logits = new float[most][];
        for (var s = 0; s < most; s++)
        {
            prompts[s] = new int[options.PromptTokens];
            for (var i = 0; i < options.PromptTokens; i++)
            {
                prompts[s][i] = (int)(random.NextUInt64() % (ulong)vocabulary);
            }
            caches[s] = model.CreateCache(needed);   // reused by every run
            logits[s] = new float[vocabulary];
        }

        var results = new List<ParallelLevelResult>();
        foreach (var n in levels)
        {
            var rates = new List<double>();
            double sequenceSteps = 0, steps = 0, cpu = 0, tokens = 0;
            for (var run = 0; run < options.WarmupRuns + options.Runs; run++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (seconds, delta) = RunOnce(model, n, prompts, caches, logits, options.GenerateTokens, cancellationToken);
                if (run >= options.WarmupRuns)
                {
                    rates.Add(n * options.GenerateTokens / seconds);
                    sequenceSteps += delta.SequenceSteps;
                    steps += delta.Steps;
                    cpu += delta.CpuSeconds;
                    tokens += delta.Tokens;
                }
            }
            results.Add(new ParallelLevelResult(n, EngineBenchmark.Median(rates), rates, steps == 0 ? 0 : sequenceSteps / steps, tokens == 0 ? double.NaN : cpu / tokens));
        }
        return new ParallelBenchmarkResult
        {
            ModelId = model.Info.Id,
            QuantizationType = model.Info.QuantizationLabel,
            Threads = model.Pool.ThreadCount,
            PromptTokens = options.PromptTokens,
            GenerateTokens = options.GenerateTokens,
            Runs = options.Runs,
            Levels = results,
        };
    }

    /// <summary>One run at N sequences: untimed prefill, timed concurrent decode; returns the decode's seconds and scheduler counters.</summary>
    private static (double Seconds, SchedulerStatistics Decode) RunOnce(
        LoadedModel model, int n, int[][] prompts, KvCache[] caches, float[][] logits, int generate, CancellationToken cancellationToken)
    {
        var sequences = new ScheduledSequence[n];
        try
        {
            var prefills = new Task[n];
            for (var s = 0; s < n; s++)
            {
                caches[s].Length = 0;
                sequences[s] = model.Scheduler.Join(caches[s]);
                prefills[s] = sequences[s].StepAsync(prompts[s], logits[s], null, cancellationToken);
            }
            Task.WaitAll(prefills, cancellationToken);
            var before = model.Scheduler.Statistics;
            var watch = Stopwatch.StartNew();
            var decodes = new Task[n];
            for (var s = 0; s < n; s++)
            {
                var sequence = sequences[s];
                var own = logits[s];
                decodes[s] = Task.Run(() => DecodeAsync(sequence, own, generate, cancellationToken), cancellationToken);
            }
            Task.WaitAll(decodes, cancellationToken);
            var seconds = watch.Elapsed.TotalSeconds;
            var after = model.Scheduler.Statistics;
            return (seconds, new SchedulerStatistics(after.Steps - before.Steps, after.SequenceSteps - before.SequenceSteps,
                after.Tokens - before.Tokens, after.MaxSequencesInStep, after.CpuSeconds - before.CpuSeconds));
        }
        finally
        {
            foreach (var sequence in sequences)
            {
                sequence?.Dispose();
            }
        }
    }

    private static async Task DecodeAsync(ScheduledSequence sequence, float[] logits, int generate, CancellationToken cancellationToken)
    {
        var next = new int[1];
        for (var i = 0; i < generate; i++)
        {
            next[0] = Sampler.ArgMax(logits);
            await sequence.StepAsync(next, logits, null, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Aggregate decode speed at one concurrency level.</summary>
/// <param name="Sequences">Concurrent sequences (N).</param>
/// <param name="AggregateDecodeTokensPerSecond">Median over runs of N × generated tokens ÷ decode wall time.</param>
/// <param name="Runs">Every measured run's rate.</param>
/// <param name="MeanSequencesPerStep">Sequences per forward step during the decodes (N when batching is perfect).</param>
/// <param name="CpuSecondsPerToken">Scheduler-measured CPU time per decoded token (all compute threads), NaN without thread clocks.</param>
public sealed record ParallelLevelResult(int Sequences, double AggregateDecodeTokensPerSecond, IReadOnlyList<double> Runs, double MeanSequencesPerStep, double CpuSecondsPerToken);

/// <summary>Figures of one <see cref="ParallelDecodeBenchmark"/> run.</summary>
public sealed record ParallelBenchmarkResult
{
    public required string ModelId { get; init; }
    public required string QuantizationType { get; init; }
    public required int Threads { get; init; }
    public required int PromptTokens { get; init; }
    public required int GenerateTokens { get; init; }
    public required int Runs { get; init; }
    public required IReadOnlyList<ParallelLevelResult> Levels { get; init; }

    /// <summary>Aggregate decode rate at <paramref name="level"/> ÷ the rate at one sequence (NaN when N = 1 was not measured).</summary>
    public double SpeedUp(ParallelLevelResult level)
    {
        ArgumentNullException.ThrowIfNull(level);
        var solo = Levels.FirstOrDefault(l => l.Sequences == 1);
        return solo is null ? double.NaN : level.AggregateDecodeTokensPerSecond / solo.AggregateDecodeTokensPerSecond;
    }
}

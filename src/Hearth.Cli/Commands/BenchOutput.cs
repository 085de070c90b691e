using System.Globalization;
using System.Text.Json;
using Hearth.Benchmarks.Engine;

namespace Hearth.Cli.Commands;

/// <summary>Prints <c>hearth bench engine --parallel</c> results.</summary>
internal static class BenchOutput
{
    public static void PrintParallel(ParallelBenchmarkResult result, bool json)
    {
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                model = result.ModelId,
                type = result.QuantizationType,
                threads = result.Threads,
                prompt_tokens = result.PromptTokens,
                gen_tokens = result.GenerateTokens,
                runs = result.Runs,
                levels = result.Levels.Select(l => new
                {
                    sequences = l.Sequences,
                    aggregate_decode_tokens_per_second = l.AggregateDecodeTokensPerSecond,
                    decode_runs = l.Runs,
                    speed_up = result.SpeedUp(l),
                    mean_sequences_per_step = l.MeanSequencesPerStep,
                    cpu_seconds_per_token = double.IsNaN(l.CpuSecondsPerToken) ? (double?)null : l.CpuSecondsPerToken,
                }),
            }));
            return;
        }
        var c = CultureInfo.InvariantCulture;
        Console.Out.WriteLine(string.Create(c,
            $"model            {result.ModelId} ({result.QuantizationType}), {result.Threads} threads, {result.GenerateTokens} tokens per sequence after a {result.PromptTokens}-token prompt, median of {result.Runs} runs after warm-up"));
        Console.Out.WriteLine("sequences  aggregate decode tok/s  vs 1   seq/step  ms CPU/token  runs");
        foreach (var l in result.Levels)
        {
            var runs = string.Join(", ", l.Runs.Select(v => v.ToString("F1", c)));
            Console.Out.WriteLine(string.Create(c,
                $"{l.Sequences,9}  {l.AggregateDecodeTokensPerSecond,22:F1}  {result.SpeedUp(l),4:F2}x  {l.MeanSequencesPerStep,8:F2}  {l.CpuSecondsPerToken * 1000,12:F2}  {runs}"));
        }
    }
}

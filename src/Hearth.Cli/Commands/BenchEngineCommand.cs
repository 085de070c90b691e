using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Hearth.Benchmarks.Engine;
using Hearth.Inference.Engine;

namespace Hearth.Cli.Commands;

/// <summary>Verb: bench engine (prefill/decode speed, memory bar, roofline).</summary>
internal static class BenchEngineCommand
{
    /// <summary>Fewer measured runs than this make a median that means little; <c>--quick</c> allows them anyway.</summary>
    public const int MinimumRuns = 5;

    public static Command Build()
    {
        var model = OptionRules.ModelFile("--model", "-m", "The GGUF model file.");
        var threads = OptionRules.Threads("Compute threads.");
        var promptTokens = new Option<int>("--prompt-tokens") { Description = "Prompt length for the prefill measurement.", DefaultValueFactory = _ => 128 }.InRange(1, 4096);
        var genTokens = new Option<int>("--gen-tokens") { Description = "Tokens decoded for the decode measurement.", DefaultValueFactory = _ => 64 }.InRange(1, 4096);
        var prefillBatch = new Option<int>("--prefill-batch")
        {
            Description = "Prompt tokens per forward batch (default: the engine's default, as generate and serve use).",
            DefaultValueFactory = _ => new EngineOptions().PrefillBatchTokens,
        }.InRange(1, 4096);
        var runs = new Option<int>("--runs") { Description = $"Measured runs; the median is reported (at least {MinimumRuns} unless --quick).", DefaultValueFactory = _ => MinimumRuns }.InRange(1, 1000);
        var quick = new Option<bool>("--quick") { Description = "A smoke run: allows fewer than 5 runs, one warm-up, a 0.2 s bandwidth probe. Not a measurement." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var parallel = new Option<int>("--parallel")
        {
            Description = "Instead: aggregate decode tok/s of 1, 2, 4, … up to N concurrent sequences, batched by the step scheduler, side by side.",
            DefaultValueFactory = _ => 0,
        }.InRange(0, 1024);
        var cmd = new Command("engine", "Engine speed: prefill and decode tok/s (median), peak resident memory against the memory bar, bandwidth and % of roofline.")
        {
            model, threads, promptTokens, genTokens, prefillBatch, runs, quick, json, parallel,
        };
        cmd.SetAction((ParseResult r, CancellationToken ct) => Task.Run(() =>
        {
            var isQuick = r.GetValue(quick);
            if (r.GetValue(runs) < MinimumRuns && !isQuick)
            {
                throw new CliUsageException($"--runs must be at least {MinimumRuns} for a median worth reporting (got {r.GetValue(runs)}); add --quick for a smoke run.");
            }
            var options = new EngineBenchmarkOptions
            {
                PromptTokens = r.GetValue(promptTokens),
                GenerateTokens = r.GetValue(genTokens),
                Runs = r.GetValue(runs),
                WarmupRuns = isQuick ? 1 : 2,
                BandwidthProbeDuration = isQuick ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(1),
            };
            var maxParallel = r.GetValue(parallel);
            using var loaded = LoadedModel.Load(r.GetValue(model)!.FullName, new EngineOptions
            {
                Threads = r.GetValue(threads),
                ContextLength = options.PromptTokens + options.GenerateTokens,
                MaxConcurrentSequences = Math.Max(1, maxParallel),
                PrefillBatchTokens = r.GetValue(prefillBatch),
            });
            if (maxParallel > 0)
            {
                BenchOutput.PrintParallel(ParallelDecodeBenchmark.Run(loaded, options, ParallelDecodeBenchmark.Levels(maxParallel), ct), r.GetValue(json));
                return ExitCodes.Success;
            }
            var result = EngineBenchmark.Run(loaded, options, ct);
            if (r.GetValue(json))
            {
                Console.Out.WriteLine(ToJson(result, loaded.Options.PrefillBatchTokens, isQuick));
            }
            else
            {
                if (isQuick)
                {
                    Console.Error.WriteLine("quick run: figures are indicative only (fewer runs, short warm-up and probe).");
                }
                Console.Out.WriteLine(ToText(result, loaded.Options.PrefillBatchTokens));
            }
            return ExitCodes.Success;
        }, ct));
        return cmd;
    }

    internal static string MemoryBarLine(EngineBenchmarkResult result) => string.Create(CultureInfo.InvariantCulture,
        $"memory bar: {Mib(result.PeakResidentBytes):F1} MiB ≤ file + KV + 64 MB ({Mib(result.FileBytes):F1} + {Mib(result.KvCacheBytes):F1} + 64 = {Mib(result.MemoryBarBytes):F1} MiB): {(result.MemoryBarMet ? "met" : "NOT met")}");

    private static double Mib(long bytes) => bytes / 1048576.0;

    private static string Runs(IReadOnlyList<double> values) => string.Join(", ", values.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)));

    private static string ToText(EngineBenchmarkResult result, int prefillBatch) => string.Create(CultureInfo.InvariantCulture,
        $"""
        model            {result.ModelId} ({result.QuantizationType}), {result.Threads} threads, median of {result.Runs} runs after warm-up
        prefill          {result.PrefillTokensPerSecond:F1} tok/s  ({result.PromptTokens} tokens in batches of {prefillBatch}; runs: {Runs(result.PrefillTokensPerSecondRuns)})
        decode           {result.DecodeTokensPerSecond:F1} tok/s  ({result.GenerateTokens} tokens; runs: {Runs(result.DecodeTokensPerSecondRuns)})
        cpu cost         prefill {result.PrefillTokensPerCpuSecond:F1} tok per CPU-second, decode {result.DecodeTokensPerCpuSecond:F1} tok per CPU-second (all threads)
        peak resident    {Mib(result.PeakResidentBytes):F1} MiB while generating ({result.PeakResidentMethod})
        file, KV cache   {Mib(result.FileBytes):F1} MiB, {Mib(result.KvCacheBytes):F2} MiB ({result.KvCacheLayers} layers × {result.KvCachePositions} positions × {result.KvCacheDimension} × 2 × {result.KvCacheElementBytes} B)
        {MemoryBarLine(result)}
        bandwidth        {result.MemoryBandwidthBytesPerSecond / 1e9:F2} GB/s (streaming read)
        weights/token    {Mib(result.WeightBytesPerToken):F2} MiB
        roofline         {result.RooflineTokensPerSecond:F1} tok/s → decode at {result.RooflinePercent:F1} % of roofline
        """);

    private static string ToJson(EngineBenchmarkResult result, int prefillBatch, bool quick) => JsonSerializer.Serialize(new
    {
        model = result.ModelId,
        type = result.QuantizationType,
        threads = result.Threads,
        quick,
        prompt_tokens = result.PromptTokens,
        gen_tokens = result.GenerateTokens,
        prefill_batch_tokens = prefillBatch,
        runs = result.Runs,
        prefill_tokens_per_second = result.PrefillTokensPerSecond,
        decode_tokens_per_second = result.DecodeTokensPerSecond,
        prefill_runs = result.PrefillTokensPerSecondRuns,
        decode_runs = result.DecodeTokensPerSecondRuns,
        prefill_tokens_per_cpu_second = result.PrefillTokensPerCpuSecond,
        decode_tokens_per_cpu_second = result.DecodeTokensPerCpuSecond,
        peak_resident_bytes = result.PeakResidentBytes,
        peak_resident_method = result.PeakResidentMethod,
        file_bytes = result.FileBytes,
        kv_cache_bytes = result.KvCacheBytes,
        kv_cache_layers = result.KvCacheLayers,
        kv_cache_positions = result.KvCachePositions,
        kv_cache_dimension = result.KvCacheDimension,
        kv_cache_element_bytes = result.KvCacheElementBytes,
        memory_bar_bytes = result.MemoryBarBytes,
        memory_bar_met = result.MemoryBarMet,
        memory_bandwidth_bytes_per_second = result.MemoryBandwidthBytesPerSecond,
        weight_bytes_per_token = result.WeightBytesPerToken,
        roofline_tokens_per_second = result.RooflineTokensPerSecond,
        roofline_percent = result.RooflinePercent,
    });
}

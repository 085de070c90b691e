using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hearth.Inference.Engine;
using Hearth.Inference.Engine.Benchmarks;

namespace Hearth.Cli.Commands;

/// <summary>Verbs: generate, bench engine.</summary>
internal static class GenerateCommands
{
    public static void AddTo(CliContext cli)
    {
        cli.Root.Subcommands.Add(BuildGenerate());
        cli.Bench.Subcommands.Add(BuildBenchEngine());
    }

    private static Option<FileInfo> ModelOption() => new("--model", "-m") { Description = "The GGUF model file.", Required = true };

    private static Option<int> ThreadsOption() => new("--threads", "-t")
    {
        Description = "Compute threads.",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    private static Command BuildGenerate()
    {
        var model = ModelOption();
        var threads = ThreadsOption();
        var prompt = new Option<string?>("--prompt", "-p") { Description = "Prompt text; none starts from the BOS token alone." };
        var count = new Option<int>("--tokens", "-n") { Description = "Most tokens to generate.", DefaultValueFactory = _ => 128 };
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature; 0 = greedy.", DefaultValueFactory = _ => 0.8f };
        var topP = new Option<float>("--top-p") { Description = "Nucleus sampling threshold (1 disables).", DefaultValueFactory = _ => 0.95f };
        var topK = new Option<int>("--top-k") { Description = "Keep the K most likely tokens (0 disables).", DefaultValueFactory = _ => 40 };
        var seed = new Option<ulong?>("--seed") { Description = "Sampler seed (same seed, same output)." };
        var context = new Option<int>("--context") { Description = "Context window in tokens (0 = model default, capped at 4096).", DefaultValueFactory = _ => 0 };
        var cmd = new Command("generate", "Generate text from a GGUF model with the local engine (text to stdout, stats to stderr).")
        {
            model, prompt, count, temperature, topP, topK, seed, threads, context,
        };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            var loadWatch = Stopwatch.StartNew();
            using var loaded = LoadedModel.Load(r.GetValue(model)!.FullName, new EngineOptions
            {
                Threads = r.GetValue(threads),
                ContextLength = r.GetValue(context),
                MaxConcurrentSequences = 1,
            });
            var loadSeconds = loadWatch.Elapsed.TotalSeconds;
            var tokenizer = loaded.Tokenizer;
            var text = r.GetValue(prompt);
            int[] promptTokens = string.IsNullOrEmpty(text)
                ? [tokenizer.BosTokenId >= 0 ? tokenizer.BosTokenId : throw new InvalidOperationException("No prompt given and the model has no BOS token.")]
                : tokenizer.Encode(text, addBos: tokenizer.AddBosByDefault && tokenizer.BosTokenId >= 0);
            var request = new GenerationRequest
            {
                PromptTokens = promptTokens,
                MaxTokens = r.GetValue(count),
                Sampling = new SamplingOptions
                {
                    Temperature = r.GetValue(temperature),
                    TopP = r.GetValue(topP),
                    TopK = r.GetValue(topK),
                    Seed = r.GetValue(seed),
                },
            };

            var stdout = Console.Out;
            var watch = Stopwatch.StartNew();
            double firstTokenSeconds = 0;
            var generated = 0;
            FinishReason? finish = null;
            await foreach (var token in loaded.GenerateAsync(request, ct))
            {
                if (generated == 0)
                {
                    firstTokenSeconds = watch.Elapsed.TotalSeconds;
                }
                generated++;
                finish = token.FinishReason;
                await stdout.WriteAsync(token.Text.AsMemory(), ct);
                await stdout.FlushAsync(ct);
            }
            var totalSeconds = watch.Elapsed.TotalSeconds;
            await stdout.WriteLineAsync();
            var decodeRate = generated > 1 ? (generated - 1) / (totalSeconds - firstTokenSeconds) : 0;
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"[{loaded.Info.Id} {loaded.Info.Architecture} {loaded.Info.QuantizationLabel}, {loaded.Options.Threads} threads] load {loadSeconds:F2} s; " +
                $"prompt {promptTokens.Length} tokens: {promptTokens.Length / firstTokenSeconds:F1} tok/s (incl. first token); " +
                $"generated {generated} tokens: {decodeRate:F1} tok/s; finish: {finish?.ToString().ToLowerInvariant() ?? "none"}"));
            return 0;
        });
        return cmd;
    }

    private static Command BuildBenchEngine()
    {
        var model = ModelOption();
        var threads = ThreadsOption();
        var promptTokens = new Option<int>("--prompt-tokens") { Description = "Prompt length for the prefill measurement.", DefaultValueFactory = _ => 128 };
        var genTokens = new Option<int>("--gen-tokens") { Description = "Tokens decoded for the decode measurement.", DefaultValueFactory = _ => 64 };
        var runs = new Option<int>("--runs") { Description = "Measured runs (median reported; at least 5 recommended).", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var parallel = new Option<int>("--parallel")
        {
            Description = "Instead: aggregate decode tok/s of 1, 2, 4, … up to N concurrent sequences, batched by the step scheduler.",
            DefaultValueFactory = _ => 0,
        };
        var cmd = new Command("engine", "Engine speed: prefill and decode tok/s (median), peak working set, bandwidth and % of roofline.")
        {
            model, threads, promptTokens, genTokens, runs, json, parallel,
        };
        cmd.SetAction((ParseResult r, CancellationToken ct) => Task.Run(() =>
        {
            var options = new EngineBenchmarkOptions
            {
                PromptTokens = r.GetValue(promptTokens),
                GenerateTokens = r.GetValue(genTokens),
                Runs = r.GetValue(runs),
            };
            var maxParallel = r.GetValue(parallel);
            if (maxParallel is < 0 or > 1024)
            {
                Console.Error.WriteLine($"error: --parallel must be between 1 and 1024 sequences (0 = the single-sequence benchmark); got {maxParallel}.");
                return 2;
            }
            using var loaded = LoadedModel.Load(r.GetValue(model)!.FullName, new EngineOptions
            {
                Threads = r.GetValue(threads),
                ContextLength = options.PromptTokens + options.GenerateTokens,
                MaxConcurrentSequences = Math.Max(1, maxParallel),
                PrefillBatchTokens = options.PromptTokens,
            });
            if (maxParallel > 0)
            {
                BenchOutput.PrintParallel(ParallelDecodeBenchmark.Run(loaded, options, ParallelDecodeBenchmark.Levels(maxParallel), ct), r.GetValue(json));
                return 0;
            }
            var result = EngineBenchmark.Run(loaded, options, ct);
            if (r.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    model = result.ModelId,
                    type = result.QuantizationType,
                    threads = result.Threads,
                    prompt_tokens = result.PromptTokens,
                    gen_tokens = result.GenerateTokens,
                    runs = result.Runs,
                    prefill_tokens_per_second = result.PrefillTokensPerSecond,
                    decode_tokens_per_second = result.DecodeTokensPerSecond,
                    prefill_runs = result.PrefillTokensPerSecondRuns,
                    decode_runs = result.DecodeTokensPerSecondRuns,
                    prefill_tokens_per_cpu_second = result.PrefillTokensPerCpuSecond,
                    decode_tokens_per_cpu_second = result.DecodeTokensPerCpuSecond,
                    peak_working_set_bytes = result.PeakWorkingSetBytes,
                    memory_bandwidth_bytes_per_second = result.MemoryBandwidthBytesPerSecond,
                    weight_bytes_per_token = result.WeightBytesPerToken,
                    roofline_tokens_per_second = result.RooflineTokensPerSecond,
                    roofline_percent = result.RooflinePercent,
                }));
            }
            else
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"""
                    model            {result.ModelId} ({result.QuantizationType}), {result.Threads} threads, median of {result.Runs} runs after warm-up
                    prefill          {result.PrefillTokensPerSecond:F1} tok/s  ({result.PromptTokens} tokens; runs: {string.Join(", ", result.PrefillTokensPerSecondRuns.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))})
                    decode           {result.DecodeTokensPerSecond:F1} tok/s  ({result.GenerateTokens} tokens; runs: {string.Join(", ", result.DecodeTokensPerSecondRuns.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))})
                    cpu cost         prefill {result.PrefillTokensPerCpuSecond:F1} tok per CPU-second, decode {result.DecodeTokensPerCpuSecond:F1} tok per CPU-second (all threads)
                    peak working set {result.PeakWorkingSetBytes / 1048576.0:F1} MiB
                    bandwidth        {result.MemoryBandwidthBytesPerSecond / 1e9:F2} GB/s (streaming read)
                    weights/token    {result.WeightBytesPerToken / 1048576.0:F2} MiB
                    roofline         {result.RooflineTokensPerSecond:F1} tok/s → decode at {result.RooflinePercent:F1} % of roofline
                    """));
            }
            return 0;
        }, ct));
        return cmd;
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Hearth.Inference.Engine;

namespace Hearth.Cli.Commands;

/// <summary>Verbs: generate, bench engine.</summary>
internal static class GenerateCommands
{
    public static void AddTo(CliContext cli)
    {
        cli.Root.Subcommands.Add(BuildGenerate());
        cli.Bench.Subcommands.Add(BenchEngineCommand.Build());
    }

    private static Command BuildGenerate()
    {
        var model = OptionRules.ModelFile("--model", "-m", "The GGUF model file.");
        var threads = OptionRules.Threads("Compute threads.");
        var prompt = new Option<string?>("--prompt", "-p") { Description = "Prompt text; none starts from the BOS token alone." };
        var count = new Option<int>("--tokens", "-n") { Description = "Most tokens to generate.", DefaultValueFactory = _ => 128 }.AtLeast(1);
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature; 0 = greedy.", DefaultValueFactory = _ => 0.8f }.InRange(0f, 100f);
        var topP = new Option<float>("--top-p") { Description = "Nucleus sampling threshold (1 disables).", DefaultValueFactory = _ => 0.95f }
            .Must(p => p > 0f && p <= 1f, "in (0, 1]");
        var topK = new Option<int>("--top-k") { Description = "Keep the K most likely tokens (0 disables).", DefaultValueFactory = _ => 40 }.AtLeast(0);
        var seed = new Option<ulong?>("--seed") { Description = "Sampler seed (same seed, same output)." };
        var context = new Option<int>("--context") { Description = "Context window in tokens (0 = model default, capped at 4096).", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var cmd = new Command("generate", "Generate text from a GGUF model with the local engine (text to stdout, stats to stderr).")
        {
            model, prompt, count, temperature, topP, topK, seed, threads, context,
        };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            var loadWatch = Stopwatch.StartNew();
            using var loaded = await Task.Run(() => LoadedModel.Load(r.GetValue(model)!.FullName, new EngineOptions
            {
                Threads = r.GetValue(threads),
                ContextLength = r.GetValue(context),
                MaxConcurrentSequences = 1,
            }), ct);
            var loadSeconds = loadWatch.Elapsed.TotalSeconds;
            var tokenizer = loaded.Tokenizer;
            var text = r.GetValue(prompt);
            int[] promptTokens = string.IsNullOrEmpty(text)
                ? [tokenizer.BosTokenId >= 0 ? tokenizer.BosTokenId : throw new CliUsageException("no --prompt given and the model has no BOS token to start from.")]
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
                $"prompt {promptTokens.Length} tokens: {promptTokens.Length / Math.Max(firstTokenSeconds, 1e-9):F1} tok/s (incl. first token); " +
                $"generated {generated} tokens: {decodeRate:F1} tok/s; finish: {finish?.ToString().ToLowerInvariant() ?? "none"}"));
            return ExitCodes.Success;
        });
        return cmd;
    }
}

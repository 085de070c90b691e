using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Hearth.Inference.Gguf;
using Hearth.Inference.Import;
using Hearth.Inference.ModelFactory;

namespace Hearth.Cli.Commands;

/// <summary>Verbs that write GGUF files: <c>import llama2c</c>, <c>quantize</c>, <c>dev make-model</c>.</summary>
internal static class ModelFileCommands
{
    private const string DefaultVocabulary = "tokenizers/vocab/ggml-vocab-llama-spm.gguf";

    public static void AddTo(CliContext cli)
    {
        var import = new Command("import", "Convert other model formats to GGUF.");
        import.Subcommands.Add(Llama2c());
        cli.Root.Subcommands.Add(import);
        cli.Root.Subcommands.Add(Quantize());
        cli.Dev.Subcommands.Add(MakeModel());
    }

    private static Command Llama2c()
    {
        var model = new Argument<FileInfo>("model") { Description = "llama2.c legacy checkpoint (.bin)." }.AcceptExistingOnly();
        var tokenizer = new Argument<FileInfo>("tokenizer") { Description = "llama2.c tokenizer (.bin), e.g. tok512.bin." }.AcceptExistingOnly();
        var output = new Option<FileInfo>("--output", "-o") { Description = "GGUF file to write.", Required = true };
        var cmd = new Command("llama2c", "Convert a llama2.c checkpoint and tokenizer to a GGUF (architecture llama, F32 tensors).") { model, tokenizer, output };
        cmd.SetAction((ParseResult r, CancellationToken ct) => Run("import llama2c", () =>
        {
            var result = Llama2cImporter.Import(r.GetValue(model)!.FullName, r.GetValue(tokenizer)!.FullName, r.GetValue(output)!.FullName, ct);
            Console.Error.WriteLine($"{result.Header.Describe()}: {result.TensorCount} tensors");
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.OutputPath} ({result.OutputBytes:N0} bytes)"));
        }, ct));
        return cmd;
    }

    private static Command Quantize()
    {
        var input = new Argument<FileInfo>("input") { Description = "GGUF model to read." }.AcceptExistingOnly();
        var output = new Argument<FileInfo>("output") { Description = "GGUF file to write." };
        var type = new Option<string>("--type") { Description = $"Target: {string.Join("|", WeightTypePlan.Names)} (q4_k is the Q4_K_M mix).", Required = true };
        var threads = ThreadsOption();
        var cmd = new Command("quantize", "Requantize a GGUF model's weight matrices (norms stay F32).") { input, output, type, threads };
        cmd.SetAction((ParseResult r, CancellationToken ct) => Run("quantize", () =>
        {
            var target = WeightTypePlan.Parse(r.GetValue(type)!);
            var result = GgufQuantizer.Quantize(r.GetValue(input)!.FullName, r.GetValue(output)!.FullName, target, r.GetValue(threads), new StderrProgress(), ct);
            Console.Error.WriteLine("tensors by type: " + string.Join(", ", result.TensorCountByType.Select(kv => $"{kv.Key} x{kv.Value}")));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.OutputPath} ({result.InputBytes:N0} -> {result.OutputBytes:N0} bytes)"));
        }, ct));
        return cmd;
    }

    private static Command MakeModel()
    {
        var shape = new Option<string>("--shape") { Description = "smollm2-135m | tinyllama-1.1b (or custom:DIM,FFN,LAYERS,HEADS,KVHEADS[,tied]).", Required = true };
        var type = new Option<string>("--type") { Description = "q8_0 | q4_0 | q4_k (Q4_K_M mix) | q6_k.", DefaultValueFactory = _ => "q8_0" };
        var output = new Option<FileInfo>("--output", "-o") { Description = "GGUF file to write.", Required = true };
        var vocab = new Option<FileInfo>("--vocab")
        {
            Description = $"GGUF whose tokenizer.* keys are copied (default: {DefaultVocabulary} in the shared data folder, HEARTH_TEST_DATA or ../shared).",
        }.AcceptExistingOnly();
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random weights.", DefaultValueFactory = _ => 1 };
        var threads = ThreadsOption();
        var cmd = new Command("make-model", "Write a GGUF with a real model's shape, seeded random weights (N(0, 0.02), norms ~1) and a real vocabulary.")
        {
            shape, type, output, vocab, seed, threads,
        };
        cmd.SetAction((ParseResult r, CancellationToken ct) => Run("dev make-model", () =>
        {
            var vocabPath = r.GetValue(vocab)?.FullName ?? FindSharedFile(DefaultVocabulary);
            var options = new MakeModelOptions(ModelShape.Parse(r.GetValue(shape)!), WeightTypePlan.Parse(r.GetValue(type)!), r.GetValue(output)!.FullName, vocabPath)
            {
                Seed = r.GetValue(seed),
                Threads = r.GetValue(threads),
            };
            var result = RandomModelMaker.Make(options, new StderrProgress(), ct);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.ParameterCount:N0} parameters, vocabulary {result.VocabularySize:N0}; tensors by type: {string.Join(", ", result.TensorCountByType.Select(kv => $"{kv.Key} x{kv.Value}"))}"));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.OutputPath} ({result.OutputBytes:N0} bytes)"));
        }, ct));
        return cmd;
    }

    private static Option<int> ThreadsOption() => OptionRules.Threads("Threads for quantization.");

    /// <summary>Runs the work off the caller's thread and reports its time. Errors reach <see cref="CliErrors"/> (one line, exit code).</summary>
    private static async Task<int> Run(string verb, Action work, CancellationToken ct)
    {
        var timer = Stopwatch.StartNew();
        try
        {
            await Task.Run(work, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"hearth {verb}: cancelled; no output written.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"hearth {verb}: done in {timer.Elapsed.TotalSeconds:F1} s")).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>A file in the shared data folder: HEARTH_TEST_DATA, else a <c>shared</c> folder beside the current directory or an ancestor.</summary>
    private static string FindSharedFile(string relative)
    {
        var configured = Environment.GetEnvironmentVariable("HEARTH_TEST_DATA");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.Combine(configured, relative);
        }
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"No default vocabulary '{relative}' found (set HEARTH_TEST_DATA or pass --vocab).", relative);
    }

    /// <summary>One line per tensor on stderr.</summary>
    private sealed class StderrProgress : IProgress<TensorProgress>
    {
        public void Report(TensorProgress value) => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{value.Index + 1}/{value.Count}] {value.Name} {value.Type} {value.Bytes:N0} bytes"));
    }
}

using Hearth.Contracts;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Hearth.Routing.Evaluation;
using Hearth.Routing.Learning;
using Hearth.Routing.Policies;
using Hearth.Routing.Hybrid;
using Hearth.Routing.Sensitive;
using Microsoft.Extensions.AI;

namespace Hearth.Cli.Commands;

/// <summary>Verbs: router import-routellm|train|eval, bench router.</summary>
internal static partial class RouterCommands
{
    public static void AddTo(CliContext cli)
    {
        var router = new Command("router", "Hybrid router: import RouteLLM data, train and evaluate routers (APGR, CPT).");
        router.Subcommands.Add(ImportCommand());
        router.Subcommands.Add(TrainCommand());
        router.Subcommands.Add(EvalCommand());
        cli.Root.Subcommands.Add(router);
        cli.Bench.Subcommands.Add(BenchCommand());
    }

    private static Option<string> RouterKindOption() => new("--router")
    {
        Description = "Router kind: predictive (prompt only) or cascade (prompt + small model's answer).",
        DefaultValueFactory = _ => "predictive",
    };

    private static Option<int> SeedOption() => new("--seed")
    {
        Description = "Seed for the fold split and training order.",
        DefaultValueFactory = _ => new RouterTrainingOptions().Seed,
    };

    private static Command ImportCommand()
    {
        var source = new Argument<DirectoryInfo>("source") { Description = "RouteLLM data folder (with gsm8k/, mmlu/, mt_bench/)." };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Folder for the JSON Lines files.", Required = true };
        var cmd = new Command("import-routellm", "Convert RouteLLM's CSV/JSONL outcomes to routing JSON Lines (contaminated prompts excluded).") { source, output };
        cmd.SetAction((ParseResult r, CancellationToken ct) =>
        {
            var written = RouteLlmImporter.Import(r.GetValue(source)!.FullName, r.GetValue(output)!.FullName, ct);
            foreach (var d in written)
            {
                Console.WriteLine($"{d.Dataset}: {d.Written} examples -> {d.OutputPath} ({d.ExcludedContaminated} contaminated excluded)");
            }
            return Task.FromResult(0);
        });
        return cmd;
    }

    private static Command TrainCommand()
    {
        var data = new Option<FileInfo[]>("--data") { Description = "Training JSON Lines file(s); several are concatenated.", Required = true, AllowMultipleArgumentsPerToken = true };
        var kind = RouterKindOption();
        var output = new Option<FileInfo>("--output", "-o") { Description = "Router model file to write.", Required = true };
        var seed = SeedOption();
        var cmd = new Command("train", "Train a router (seeded, deterministic) and write ROUTER.bin.") { data, kind, output, seed };
        cmd.SetAction((ParseResult r, CancellationToken ct) =>
        {
            var examples = Load(r.GetValue(data)!);
            var options = new RouterTrainingOptions { Kind = ParseKind(r.GetValue(kind)!), Seed = r.GetValue(seed) };
            var sw = Stopwatch.StartNew();
            var model = RouterTrainer.Train(examples, options);
            RouterModelFormat.Save(model, r.GetValue(output)!.FullName);
            Console.Error.WriteLine($"trained {options.Kind} router on {examples.Count} examples in {sw.Elapsed.TotalSeconds:F1} s -> {r.GetValue(output)!.FullName}");
            return Task.FromResult(0);
        });
        return cmd;
    }

    private static Command EvalCommand()
    {
        var data = new Option<FileInfo?>("--data") { Description = "JSON Lines file for k-fold cross-validation." };
        var folds = new Option<int>("--folds") { Description = "Number of folds.", DefaultValueFactory = _ => 5 };
        var train = new Option<FileInfo?>("--train") { Description = "Training file (with --test)." };
        var test = new Option<FileInfo?>("--test") { Description = "Test file (with --train)." };
        var kind = RouterKindOption();
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var svg = new Option<FileInfo?>("--svg") { Description = "Write the quality-vs-escalation curve as SVG." };
        var seed = SeedOption();
        var cmd = new Command("eval", "Evaluate a router offline with RouteLLM's metrics (APGR, CPT(50%), CPT(80%)) against random and oracle.")
        {
            data, folds, train, test, kind, json, svg, seed,
        };
        cmd.SetAction((ParseResult r, CancellationToken ct) =>
        {
            var options = new RouterTrainingOptions { Kind = ParseKind(r.GetValue(kind)!), Seed = r.GetValue(seed) };
            EvaluationReport report;
            string title;
            if (r.GetValue(data) is { } d)
            {
                report = RouterEvaluator.CrossValidate(RoutingDataset.Read(d.FullName), r.GetValue(folds), options, ct);
                title = $"{options.Kind} router, {r.GetValue(folds)}-fold, {d.Name}";
            }
            else if (r.GetValue(train) is { } a && r.GetValue(test) is { } b)
            {
                report = RouterEvaluator.TrainTest(RoutingDataset.Read(a.FullName), RoutingDataset.Read(b.FullName), options, ct);
                title = $"{options.Kind} router, train {a.Name}, test {b.Name}";
            }
            else
            {
                Console.Error.WriteLine("Give --data FILE (k-fold) or --train A --test B.");
                return Task.FromResult(2);
            }
            Console.Write(r.GetValue(json) ? EvaluationReportWriter.ToJson(report) + "\n" : EvaluationReportWriter.ToText(report));
            if (r.GetValue(svg) is { } s)
            {
                File.WriteAllText(s.FullName, EvaluationReportWriter.ToSvg(report, title));
                Console.Error.WriteLine($"curve -> {s.FullName}");
            }
            return Task.FromResult(0);
        });
        return cmd;
    }

    private static Command BenchCommand()
    {
        var data = new Option<FileInfo>("--data") { Description = "JSON Lines prompts to route (e.g. an imported mmlu.jsonl).", Required = true };
        var model = new Option<FileInfo?>("--model") { Description = "Predictive router model (default: the embedded one)." };
        var count = new Option<int>("--requests", "-n") { Description = "Routing decisions to time.", DefaultValueFactory = _ => 5000 };
        var cmd = new Command("router", "Time the router's whole decision (HybridRouter.DecideAsync: sensitive-data scan + task classification + predictive score) and the scan alone, per request (p50/p99 wall and thread CPU).") { data, model, count };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            var predictive = r.GetValue(model) is { } m ? RouterModelFormat.Load(m.FullName) : EmbeddedRouters.Predictive();
            var prompts = RoutingDataset.Read(r.GetValue(data)!.FullName).Select(e => e.Prompt).ToArray();
            var n = Math.Max(100, r.GetValue(count));
            var router = BenchRouter(predictive);
            var options = new ChatOptions();
            options.SetRequestFacts(new RequestFacts { Policy = "predictive" });
            var messages = prompts.Select(p => (IReadOnlyList<ChatMessage>)[new ChatMessage(ChatRole.User, p)]).ToArray();
            var detector = new SensitiveDataDetector();
            double sink = 0;
            // Warm-up: enough calls for tiered JIT to reach optimized code (tier 1) before timing.
            for (int i = 0; i < Math.Max(3000, n / 2); i++)
            {
                var d = await router.DecideAsync(messages[i % prompts.Length], options, ct);
                sink += d.Reason.Length + detector.Detect(prompts[i % prompts.Length]).Count;
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var decide = new double[n];
            var scan = new double[n];
            var decideCpu = new double[n];
            var scanCpu = new double[n];
            long chars = 0;
            for (int i = 0; i < n; i++)
            {
                ct.ThrowIfCancellationRequested();
                var k = i % prompts.Length;
                chars += prompts[k].Length;
                var c0 = ThreadCpu.Microseconds();
                var t0 = Stopwatch.GetTimestamp();
                // Completes synchronously for the predictive policy (nothing is sent), so the thread's CPU time is the decision's.
                var d = router.DecideAsync(messages[k], options, ct).GetAwaiter().GetResult();
                var t1 = Stopwatch.GetTimestamp();
                var c1 = ThreadCpu.Microseconds();
                sink += d.Reason.Length + detector.Detect(prompts[k]).Count;
                var t2 = Stopwatch.GetTimestamp();
                var c2 = ThreadCpu.Microseconds();
                decide[i] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds;
                scan[i] = Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds;
                decideCpu[i] = c1 - c0;
                scanCpu[i] = c2 - c1;
            }
            foreach (var a in new[] { decide, scan, decideCpu, scanCpu })
            {
                Array.Sort(a);
            }
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"requests={n} mean prompt chars={chars / n} cores={Environment.ProcessorCount} (checksum {sink:G4})"));
            Console.WriteLine(string.Create(inv, $"routing decision (scan + classify + score)  wall: p50 {Pct(decide, 0.50):F1} us  p99 {Pct(decide, 0.99):F1} us  max {decide[^1]:F1} us"));
            Console.WriteLine(string.Create(inv, $"sensitive-data scan alone                   wall: p50 {Pct(scan, 0.50):F1} us  p99 {Pct(scan, 0.99):F1} us  max {scan[^1]:F1} us"));
            if (ThreadCpu.Available)
            {
                Console.WriteLine(string.Create(inv, $"routing decision (scan + classify + score)   cpu: p50 {Pct(decideCpu, 0.50):F1} us  p99 {Pct(decideCpu, 0.99):F1} us (thread CPU time: excludes waiting for a core on a loaded machine)"));
                Console.WriteLine(string.Create(inv, $"sensitive-data scan alone                    cpu: p50 {Pct(scanCpu, 0.50):F1} us  p99 {Pct(scanCpu, 0.99):F1} us"));
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>A router over two backends that are never called (DecideAsync sends nothing).</summary>
    private static HybridRouter BenchRouter(RouterModel predictive) => new(
        new RoutingOptions
        {
            Backends = [new BackendOptions("small", ModelTier.Small, IsLocal: true), new BackendOptions("large", ModelTier.Large, IsLocal: false, Site: "cloud")],
            Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = "small", [ModelTier.Large] = "large" },
            DefaultPolicy = "predictive",
        },
        new Dictionary<string, IChatClient> { ["small"] = new NeverCalledChatClient(), ["large"] = new NeverCalledChatClient() },
        predictive);

    private sealed class NeverCalledChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The router benchmark only decides; no backend is called.");

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The router benchmark only decides; no backend is called.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private static double Pct(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private static RouterKind ParseKind(string text) => text.ToLowerInvariant() switch
    {
        "predictive" => RouterKind.Predictive,
        "cascade" => RouterKind.Cascade,
        _ => throw new ArgumentException($"Unknown router '{text}'. Known: predictive, cascade."),
    };

    private static List<RoutingExample> Load(FileInfo[] files)
    {
        var all = new List<RoutingExample>();
        foreach (var f in files)
        {
            all.AddRange(RoutingDataset.Read(f.FullName));
        }
        return all;
    }

    /// <summary>Per-thread CPU time (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)); wall time is noisy on a shared machine.</summary>
    private static partial class ThreadCpu
    {
        private const int ClockThreadCpuTimeId = 3;

        public static bool Available { get; } = OperatingSystem.IsLinux();

        public static double Microseconds()
        {
            if (!Available)
            {
                return 0;
            }
            ClockGetTime(ClockThreadCpuTimeId, out var ts);
            return (ts.Seconds * 1e6) + (ts.Nanoseconds / 1e3);
        }

        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
        private static partial int ClockGetTime(int clockId, out TimeSpec time);
    }
}

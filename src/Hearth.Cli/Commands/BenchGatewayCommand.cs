using System.CommandLine;
using System.Globalization;
using Hearth.Benchmarks.Gateway;
using static Hearth.Cli.Commands.NodeSettings;

namespace Hearth.Cli.Commands;

/// <summary>Verb: bench gateway (the gateway-overhead harness in <c>bench/Hearth.Benchmarks/Gateway</c>, with its bar).</summary>
internal static class BenchGatewayCommand
{
    public static void AddTo(CliContext cli) => cli.Bench.Subcommands.Add(BenchGateway());

    private static Command BenchGateway()
    {
        var seconds = new Option<int>("--seconds") { Description = "Measured seconds per target and rate.", DefaultValueFactory = _ => 60 };
        var rates = new Option<string>("--rates") { Description = "Comma-separated request rates (req/s).", DefaultValueFactory = _ => "200,1000" };
        var noNginx = new Option<bool>("--no-nginx") { Description = "Skip the nginx reference even if installed (scripts/bench-tools.sh installs it)." };
        var inProcess = new Option<bool>("--in-process") { Description = "Run the node inside the benchmark process (no separate 'hearth serve'; memory is then the managed heap only)." };
        var cmd = new Command("gateway", "Gateway overhead: p50/p99 direct vs through a 'hearth serve' node (and nginx) to a fixed-response upstream, open-loop. Exit code 1 when the bar is not met.")
        {
            seconds, rates, noNginx, inProcess,
        };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            int[] rateList;
            try
            {
                rateList = [.. r.GetValue(rates)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture))];
            }
            catch (FormatException)
            {
                Console.Error.WriteLine($"hearth bench gateway: --rates '{r.GetValue(rates)}' must be positive integers separated by commas.");
                return ConfigError;
            }
            if (rateList.Length == 0 || rateList.Any(x => x is <= 0 or > 100_000) || r.GetValue(seconds) is <= 0 or > 3600)
            {
                Console.Error.WriteLine("hearth bench gateway: --rates must be 1..100000 req/s and --seconds 1..3600.");
                return ConfigError;
            }
            Console.Error.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs (shared by the generator, the upstream, the node and nginx); .NET {Environment.Version}");
            var results = await GatewayBenchmark.RunAsync(new GatewayBenchmarkOptions
            {
                RatesPerSecond = rateList,
                Duration = TimeSpan.FromSeconds(r.GetValue(seconds)),
                UseNginx = !r.GetValue(noNginx),
                NodeCommand = r.GetValue(inProcess) ? null : SelfCommand(),
            }, line => Console.Error.WriteLine(line), ct);
            // Plain aligned text (not a table widget): the lines stay one per rate at any terminal width and are easy to parse.
            var stdout = Console.Out;
            stdout.WriteLine("req/s   direct p50   p99    | hearth added p50   p99    | nginx added p50   p99    | hearth/nginx p50 | errors | node memory");
            var pass = true;
            foreach (var x in results)
            {
                var nginx = x.NginxAddedP50Milliseconds is { } n50 ? $"{n50,8:F3} ms {x.NginxAddedP99Milliseconds!.Value,7:F3} ms" : "     n/a            ";
                var ratio = x.AddedP50RatioToNginx is { } q ? $"{q,6:F2}x" : "    n/a";
                var memory = x.NodeMemory is { } m
                    ? $"RSS {FormatBytes(m.FirstThirdMeanBytes)} -> {FormatBytes(m.LastThirdMeanBytes)} (max {FormatBytes(m.MaxBytes)}, {(m.IsFlat ? "flat" : "GROWING")})"
                    : $"heap {FormatBytes(x.HeapBytesBefore)} -> {FormatBytes(x.HeapBytesAfter)}";
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{x.RequestsPerSecond,5}  {x.Direct.P50Milliseconds,7:F3} ms {x.Direct.P99Milliseconds,7:F3} ms | {x.HearthAddedP50Milliseconds,9:F3} ms {x.HearthAddedP99Milliseconds,7:F3} ms | {nginx} | {ratio,16} | {x.Errors,6} | {memory}"));
                if ((x.RequestsPerSecond >= 1000 && x.HearthAddedP50Milliseconds > 0.5) || x.Errors > 0 || x.NodeMemory is { IsFlat: false })
                {
                    pass = false;
                }
            }
            stdout.WriteLine(pass
                ? "bar met: p50 added <= 0.5 ms at 1,000 req/s, zero errors, node memory flat"
                : "bar NOT met (p50 added > 0.5 ms at >= 1,000 req/s, errors, or node memory growing)");
            return pass ? 0 : 1;
        });
        return cmd;
    }

    /// <summary>The command line that starts this same CLI: the apphost, or <c>dotnet hearth.dll</c>.</summary>
    private static string[] SelfCommand()
    {
        var dll = typeof(BenchGatewayCommand).Assembly.Location;
        var process = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? [process, dll] : [process];
    }
}

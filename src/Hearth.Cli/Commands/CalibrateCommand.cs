using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Hearth.Ledger.Calibration;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;
using Hearth.Server.Configuration;
using Hearth.Server.Store;

namespace Hearth.Cli.Commands;

/// <summary>
/// Verb: ledger calibrate. Runs the fixed engine workload on each local model through the node's own request meter and
/// prints Wh per 1,000 tokens per model, for comparison with a power meter.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Build()
    {
        var models = new Option<FileInfo[]>("--model", "-m")
        {
            Description = "A GGUF model to calibrate (repeat for several). Default: every .gguf in $HEARTH_HOME/models.",
            AllowMultipleArgumentsPerToken = false,
        }.AcceptExistingOnly();
        var home = new Option<string?>("--home") { Description = "Hearth home folder (default: $HEARTH_HOME, else ~/.hearth)." };
        var config = new Option<FileInfo?>("--config") { Description = "Settings file to use instead of $HEARTH_HOME/appsettings.json (its Ledger section sets PUE and CPU power)." };
        var runs = new Option<int>("--runs") { Description = "Metered runs per model (each is metered as one request; figures are summed).", DefaultValueFactory = _ => 3 }.InRange(1, 1000);
        var threads = new Option<int>("--threads", "-t") { Description = "Compute threads (default: the node's Local:Threads, else the processor count)." }.InRange(0, 256);
        var zone = new Option<string?>("--zone") { Description = "Grid zone (ISO alpha-3); overrides Ledger:Zone." };
        var pue = new Option<double?>("--pue") { Description = "Site PUE; overrides Ledger:SitePue." };
        var wattsPerCore = new Option<double?>("--watts-per-core") { Description = "Active power per core (W); overrides Ledger:Cpu:WattsPerCore." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var cmd = new Command("calibrate",
            $"Run a fixed workload ({EngineCalibrationWorkload.PromptTokens} prompt + {EngineCalibrationWorkload.GenerateTokens} generated tokens, greedy) on each local model " +
            "through the ledger's request meter and report Wh per 1,000 tokens, to compare with a power meter.")
        {
            models, home, config, runs, threads, zone, pue, wattsPerCore, json,
        };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            var overrides = new Dictionary<string, string?>();
            void Set(string key, string? value)
            {
                if (value is not null)
                {
                    overrides[key] = value;
                }
            }
            Set("Home", r.GetValue(home));
            Set("Ledger:Zone", r.GetValue(zone));
            Set("Ledger:SitePue", r.GetValue(pue)?.ToString(CultureInfo.InvariantCulture));
            Set("Ledger:Cpu:WattsPerCore", r.GetValue(wattsPerCore)?.ToString(CultureInfo.InvariantCulture));
            var options = HearthConfiguration.Load(overrides, r.GetValue(config)?.FullName);
            // Intensity does not enter Wh; a static source keeps calibration off the network.
            var ledger = options.Ledger with { Intensity = new IntensitySourceOptions { Kind = IntensitySourceKinds.Static } };
            var meter = RequestMeter.Create(ledger);
            var threadCount = r.GetValue(threads) is > 0 and var t ? t : options.Local.Threads > 0 ? options.Local.Threads : Math.Clamp(Environment.ProcessorCount, 1, 256);
            var paths = ModelPaths(r.GetValue(models), HearthHome.Resolve(r.GetValue(home)));
            var calibration = new CalibrationOptions { Runs = r.GetValue(runs) };

            var results = new List<CalibrationResult>();
            var skipped = new List<(string Model, string Error)>();
            foreach (var path in paths)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    using var workload = await Task.Run(() => EngineCalibrationWorkload.Load(path, threadCount), ct);
                    results.Add(await Calibrator.RunAsync(meter, workload, calibration, ct));
                }
                catch (Exception e) when (e is not OperationCanceledException && CliErrors.Classify(e).ExitCode == ExitCodes.Usage)
                {
                    // One model Hearth cannot run (unsupported, corrupt, too small a context) must not stop the others.
                    skipped.Add((Path.GetFileName(path), CliErrors.Classify(e).Message));
                    await Console.Error.WriteLineAsync($"hearth ledger calibrate: skipped {Path.GetFileName(path)}: {CliErrors.Classify(e).Message}");
                }
            }
            var context = new CalibrationReport(results, skipped, calibration, threadCount, meter, ledger);
            await Console.Out.WriteAsync(r.GetValue(json) ? context.ToJson() + "\n" : context.ToText());
            return skipped.Count == 0 ? ExitCodes.Success : ExitCodes.Usage;
        });
        return cmd;
    }

    /// <summary>The -m files, else every .gguf in the home's models folder (sorted); none is a usage error.</summary>
    private static List<string> ModelPaths(FileInfo[]? given, string home)
    {
        if (given is { Length: > 0 })
        {
            return [.. given.Select(f => f.FullName)];
        }
        var store = new ModelStore(home);
        var local = store.List().Where(m => m.FilePath is not null).Select(m => m.FilePath!).Order(StringComparer.Ordinal).ToList();
        return local.Count > 0 ? local
            : throw new CliUsageException($"no models to calibrate: put GGUF files in {store.ModelsDirectory} or pass -m FILE.");
    }

    /// <summary>The table or JSON of one calibration.</summary>
    private sealed record CalibrationReport(
        IReadOnlyList<CalibrationResult> Results,
        IReadOnlyList<(string Model, string Error)> Skipped,
        CalibrationOptions Options,
        int Threads,
        RequestMeter Meter,
        LedgerOptions Ledger)
    {
        private string Workload => string.Create(CultureInfo.InvariantCulture,
            $"{EngineCalibrationWorkload.PromptTokens} prompt + {EngineCalibrationWorkload.GenerateTokens} generated tokens, greedy, {Threads} threads; {Options.WarmupRuns} warm-up + {Options.Runs} metered runs per model");

        public string ToText()
        {
            var sb = new StringBuilder();
            sb.AppendLine(CultureInfo.InvariantCulture, $"workload: {Workload}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"{"model",-28} {"tokens",8} {"CPU s",9} {"wall s",9} {"Wh/1k tokens",13} {"method",-9} {"uncertainty",11}");
            foreach (var x in Results)
            {
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"{x.ModelId,-28} {x.Tokens,8} {x.CpuSeconds,9:F3} {x.WallSeconds,9:F3} {x.WattHoursPer1kTokens,13:G4} {Method(x),-9} {"±" + x.UncertaintyFraction.ToString("P0", CultureInfo.InvariantCulture),11}");
            }
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"energy: facility Wh (IT × PUE {Ledger.SitePue}) from the node's request meter ({(Meter.IsMeasured ? "RAPL/NVML counters" : "CPU-time model")}); power basis: {Meter.CpuModel.Basis}");
            return sb.ToString();
        }

        public string ToJson() => JsonSerializer.Serialize(new
        {
            workload = new
            {
                prompt_tokens = EngineCalibrationWorkload.PromptTokens,
                gen_tokens = EngineCalibrationWorkload.GenerateTokens,
                greedy = true,
                threads = Threads,
                warmup_runs = Options.WarmupRuns,
                runs = Options.Runs,
            },
            site_pue = Ledger.SitePue,
            measured = Meter.IsMeasured,
            power_basis = Meter.CpuModel.Basis,
            models = Results.Select(x => new
            {
                model = x.ModelId,
                version = x.ModelVersion,
                runs = x.Runs,
                tokens_in = x.TokensIn,
                tokens_out = x.TokensOut,
                tokens = x.Tokens,
                cpu_seconds = x.CpuSeconds,
                wall_seconds = x.WallSeconds,
                energy_wh = x.EnergyWattHours,
                wh_per_1k_tokens = x.WattHoursPer1kTokens,
                method = Method(x),
                uncertainty = x.UncertaintyFraction,
            }),
            skipped = Skipped.Select(s => new { model = s.Model, error = s.Error }),
        });

        private static string Method(CalibrationResult x) => x.Method switch
        {
            Hearth.Ledger.Entries.EnergyMethod.PeerReported => "peer-reported",
            var m => m.ToString().ToLowerInvariant(),
        };
    }
}

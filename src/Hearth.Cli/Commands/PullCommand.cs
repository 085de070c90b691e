using Hearth.Contracts;
using System.CommandLine;
using Hearth.Server.Configuration;
using Hearth.Server.Errors;
using Hearth.Server.Store;
using Spectre.Console;
using static Hearth.Cli.Commands.NodeSettings;

namespace Hearth.Cli.Commands;

/// <summary>Verb: pull (downloads a model into the models folder, with a progress bar on stderr).</summary>
internal static class PullCommand
{
    public static void AddTo(CliContext cli) => cli.Root.Subcommands.Add(Pull());

    private static IAnsiConsole Stderr => Terminal.Stderr;

    private static Command Pull()
    {
        var source = new Argument<string>("source") { Description = "An http(s) URL of a .gguf file, or hf:org/repo/file.gguf[@revision] (uses $HF_ENDPOINT if set)." };
        var home = HomeOption();
        var config = ConfigOption();
        var force = new Option<bool>("--force") { Description = "Replace an existing model of the same name (refused otherwise)." };
        var cmd = new Command("pull", "Download a model into the models folder: resumable, SHA-256 verified when the source publishes one, atomic.")
        {
            source, home, config, force,
        };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            ModelSource parsed;
            try
            {
                parsed = ModelSource.Parse(r.GetValue(source)!);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(ArgumentMessages.Text(e));
                return 1;
            }
            var options = LoadOptions(r.GetValue(home), r.GetValue(config));
            if (options is null)
            {
                return ConfigError;
            }
            var homePath = options.Home ?? HearthHome.Resolve(r.GetValue(home));
            using var http = ModelDownloader.CreateHttpClient();
            var downloader = new ModelDownloader(http, homePath, limits: options.Pull);
            var mode = new PullMode(Overwrite: r.GetValue(force));   // Ctrl+C keeps the partial file: the next pull resumes it
            PullResult result;
            try
            {
                result = await Stderr.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
                    .StartAsync(async progressContext =>
                    {
                        var task = progressContext.AddTask(parsed.ModelName, maxValue: 1);
                        var progress = new SynchronousProgress(p =>
                        {
                            task.Description = $"{parsed.ModelName} ({p.Phase})";
                            if (p.TotalBytes is { } total && total > 0) { task.MaxValue = total; }
                            task.Value = Math.Min(p.CompletedBytes, task.MaxValue);
                        });
                        return await downloader.PullAsync(parsed, mode, progress, ct);
                    });
            }
            catch (ModelDownloadException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
            Console.Out.WriteLine($"{result.ModelName}\t{result.Bytes}\tsha256:{result.Sha256}\t{(result.Verified ? "verified" : "unverified (no published digest)")}\t{result.Path}");
            return 0;
        });
        return cmd;
    }

    private sealed class SynchronousProgress(Action<PullProgress> report) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => report(value);
    }
}

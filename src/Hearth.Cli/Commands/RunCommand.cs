using System.CommandLine;
using System.Globalization;
using Hearth.Server.Backends;
using Hearth.Server.Errors;
using Microsoft.Extensions.AI;
using static Hearth.Cli.Commands.NodeSettings;

namespace Hearth.Cli.Commands;

/// <summary>Verb: run (one chat with a model through its pipeline, without a server).</summary>
internal static class RunCommand
{
    public static void AddTo(CliContext cli) => cli.Root.Subcommands.Add(Run());

    private static Command Run()
    {
        var model = new Argument<string>("model")
        {
            Description = "Model name (a file in the models folder without .gguf, or a configured upstream model), or a path to a GGUF file.",
        };
        var prompt = new Argument<string>("prompt") { Description = "The user message." };
        var maxTokens = new Option<int>("--max-tokens", "-n") { Description = "Most tokens to generate.", DefaultValueFactory = _ => 256 };
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature (0 = greedy).", DefaultValueFactory = _ => 0.7f };
        var seed = new Option<long?>("--seed") { Description = "Sampling seed for a repeatable answer." };
        var system = new Option<string?>("--system") { Description = "A system message." };
        var home = HomeOption();
        var config = ConfigOption();
        var cmd = new Command("run", "Chat with a model once, without a server: the answer streams to stdout.")
        {
            model, prompt, maxTokens, temperature, seed, system, home, config,
        };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            var options = LoadOptions(r.GetValue(home), r.GetValue(config));
            if (options is null)
            {
                return ConfigError;
            }
            var name = r.GetValue(model)!;
            var catalog = new ModelCatalog(options);
            var descriptor = catalog.Find(name) ?? FileDescriptor(name);
            if (descriptor is null)
            {
                Console.Error.WriteLine($"Model '{name}' not found (neither a model name nor a GGUF file). Available: {string.Join(", ", catalog.Ids())}. Pull one with 'hearth pull URL'.");
                return 1;
            }
            using var backends = new ModelBackends(options, new Hearth.Server.Backends.Local.Engine.EngineModelLoader());
            var client = backends.GetChatClient(descriptor);
            List<ChatMessage> messages = [];
            if (r.GetValue(system) is { } s) { messages.Add(new ChatMessage(ChatRole.System, s)); }
            messages.Add(new ChatMessage(ChatRole.User, r.GetValue(prompt)));
            var chatOptions = new ChatOptions
            {
                ModelId = descriptor.RemoteId ?? descriptor.Id,
                MaxOutputTokens = r.GetValue(maxTokens),
                Temperature = r.GetValue(temperature),
                Seed = r.GetValue(seed),
            };
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            UsageDetails? usage = null;
            try
            {
                await foreach (var update in client.GetStreamingResponseAsync(messages, chatOptions, ct))
                {
                    Console.Out.Write(update.Text);
                    Console.Out.Flush();
                    usage = update.Contents.OfType<UsageContent>().LastOrDefault()?.Details ?? usage;
                }
            }
            catch (Exception e) when (e is ApiException or Hearth.Contracts.HearthRequestException)
            {
                Console.Error.WriteLine();
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            Console.Out.WriteLine();
            var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{descriptor.Id}: {usage?.InputTokenCount ?? 0} prompt tokens, {usage?.OutputTokenCount ?? 0} generated, {seconds:F2} s]"));
            return 0;
        });
        return cmd;
    }

    /// <summary>A GGUF file given by path to <c>run</c>, served as a local model named after the file.</summary>
    private static ModelDescriptor? FileDescriptor(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        var file = new FileInfo(path);
        return new ModelDescriptor(Path.GetFileNameWithoutExtension(file.Name), BackendKind.Local, "hearth", null, file.FullName, file.Length, file.LastWriteTimeUtc);
    }
}

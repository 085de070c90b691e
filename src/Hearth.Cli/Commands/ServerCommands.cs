using System.CommandLine;
using System.Globalization;
using Hearth.Server.Auth;
using Hearth.Server.Backends;
using Hearth.Benchmarks.Gateway;
using Hearth.Server.Configuration;
using Hearth.Server.Errors;
using Hearth.Server.Hosting;
using Hearth.Server.Store;
using Microsoft.Extensions.AI;
using Spectre.Console;

namespace Hearth.Cli.Commands;

/// <summary>Verbs: serve, run, pull, models, show, rm, keys, bench gateway. Thin glue over Hearth.Server.</summary>
internal static class ServerCommands
{
    private const int ConfigError = 2;

    public static void AddTo(CliContext cli)
    {
        cli.Root.Subcommands.Add(Serve());
        cli.Root.Subcommands.Add(Run());
        cli.Root.Subcommands.Add(Pull());
        cli.Root.Subcommands.Add(Models());
        cli.Root.Subcommands.Add(Show());
        cli.Root.Subcommands.Add(Remove());
        cli.Root.Subcommands.Add(Keys());
        cli.Bench.Subcommands.Add(BenchGateway());
    }

    private static Option<string?> HomeOption() => new("--home")
    {
        Description = "Hearth home folder (models/, keys.json, appsettings.json). Default: $HEARTH_HOME, else ~/.hearth.",
    };

    private static Option<FileInfo?> ConfigOption() => new("--config")
    {
        Description = "Settings file to use instead of $HEARTH_HOME/appsettings.json.",
    };

    private static IAnsiConsole Stderr => Terminal.Stderr;

    /// <summary>Loads settings; on a bad configuration prints every problem to stderr and returns null.</summary>
    private static HearthOptions? LoadOptions(string? home, FileInfo? config, Dictionary<string, string?>? overrides = null)
    {
        overrides ??= [];
        if (home is not null)
        {
            overrides["Home"] = home;
        }
        try
        {
            return HearthConfiguration.Load(overrides, config?.FullName);
        }
        catch (HearthConfigException e)
        {
            Console.Error.WriteLine(e.Message);
            return null;
        }
    }

    private static Command Serve()
    {
        var host = new Option<string?>("--host") { Description = "Address to bind (default 127.0.0.1; '*' for all interfaces)." };
        var port = new Option<int?>("--port", "-p") { Description = $"TCP port (default {ServerOptions.DefaultPort}; 0 picks a free one)." };
        var home = HomeOption();
        var config = ConfigOption();
        var cmd = new Command("serve", "Run the node: OpenAI (/v1) and Ollama (/api) APIs over local GGUF models and configured upstreams.")
        {
            host, port, home, config,
        };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (r.GetValue(host) is { } h) { overrides["Server:Host"] = h; }
            if (r.GetValue(port) is { } p) { overrides["Server:Port"] = p.ToString(CultureInfo.InvariantCulture); }
            var options = LoadOptions(r.GetValue(home), r.GetValue(config), overrides);
            if (options is null)
            {
                return ConfigError;
            }
            HearthNode node;
            try
            {
                node = await HearthNode.StartAsync(options, cancellationToken: ct);
            }
            catch (ApiKeyFileException e)
            {
                Console.Error.WriteLine(e.Message);
                return ConfigError;
            }
            catch (IOException e)
            {
                Console.Error.WriteLine(ListenFailure(options.Server, e));
                return 1;
            }
            await using (node)
            {
                var models = node.Catalog.List();
                Console.Out.WriteLine(ListeningLine(node));
                Console.Out.WriteLine($"{models.Count} models ({string.Join(", ", models.Select(m => m.Id))}); models folder {node.Catalog.ModelsDirectory}");
                Console.Out.WriteLine($"Ledger: {node.Ledger.Options.Store.Kind} {(node.Ledger.Options.Store.Kind == Hearth.Ledger.Options.LedgerStoreKind.Sqlite ? node.Ledger.Options.Store.Connection : node.Ledger.Options.Store.Schema)}, {node.Ledger.Options.Store.Durability} durability; "
                    + (node.Router.IsAvailable ? "model 'hearth/auto' routes " + (options.Routing is null ? "with policy local-only over the local models." : $"with default policy {options.Routing.DefaultPolicy}.") : "no 'hearth/auto' (no local model, no Routing section)."));
                Console.Out.WriteLine(node.Keys.State == ApiKeyAuthState.Off
                    ? "No API keys exist: authentication is off (create an admin key with 'hearth keys create --tenant NAME --admin')."
                    : node.Keys.ActiveKeyCount == 0
                        ? "API keys required, but no key is active: every API request gets 401 until one is created ('hearth keys create --tenant NAME --admin')."
                        : "API keys required.");
                Console.Out.Flush();
                if (NetworkExposure.OpenNodeWarning(options.Server.Host, node.Keys.State) is { } warning)
                {
                    Console.Error.WriteLine(warning);
                }
                try
                {
                    await Task.WhenAny(node.WaitForShutdownAsync(ct), Task.Delay(Timeout.Infinite, ct));
                }
                catch (OperationCanceledException)
                {
                }
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>The first line <c>serve</c> prints: the bound address, and for a node other machines can reach, the local one too.</summary>
    private static string ListeningLine(HearthNode node)
    {
        var apis = $"OpenAI: {node.BaseAddress}v1, Ollama: {node.BaseAddress}api";
        return NetworkExposure.IsLoopbackOnly(node.Options.Server.Host)
            ? $"Hearth listening on {node.BaseAddress} ({apis})"
            : $"Hearth listening on {string.Join(", ", node.ListenAddresses)} (reachable from other machines; on this machine {node.BaseAddress}; {apis})";
    }

    /// <summary>One line for a failed bind: a busy port says so and what to do; anything else keeps the socket's own reason.</summary>
    internal static string ListenFailure(ServerOptions server, IOException e)
    {
        var where = $"{server.Host}:{server.Port.ToString(CultureInfo.InvariantCulture)}";
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }
                or Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                return $"hearth serve: port {server.Port.ToString(CultureInfo.InvariantCulture)} on {server.Host} is already in use " +
                    "(another 'hearth serve'?). Stop it, or pick another port with --port N (0 picks a free one) or Server:Port.";
            }
        }
        var reason = (e.InnerException as System.Net.Sockets.SocketException)?.Message ?? e.Message;
        return $"hearth serve: could not listen on {where}: {CliErrors.OneLine(reason)}";
    }

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
            using var backends = new ModelBackends(options, new ChatPipelineBuilder(), new Hearth.Server.Backends.Local.Engine.EngineModelLoader());
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

    private static Command Models()
    {
        var home = HomeOption();
        var config = ConfigOption();
        var cmd = new Command("models", "List the models this node serves (local GGUF files and configured upstream models).") { home, config };
        cmd.SetAction((ParseResult r) =>
        {
            var options = LoadOptions(r.GetValue(home), r.GetValue(config));
            if (options is null)
            {
                return ConfigError;
            }
            var table = new Table().AddColumns("name", "backend", "size", "architecture", "quantization", "modified");
            foreach (var m in new ModelCatalog(options).List())
            {
                var facts = m.FilePath is { } p ? ModelInspector.TryInspect(p) : null;
                table.AddRow(Markup.Escape(m.Id), Markup.Escape(m.Kind == BackendKind.Local ? "local" : "upstream " + m.OwnedBy),
                    m.Kind == BackendKind.Local ? FormatBytes(m.SizeBytes) : "-",
                    Markup.Escape(facts?.Details.Architecture ?? "-"), Markup.Escape(facts?.Details.QuantizationType ?? "-"),
                    m.Kind == BackendKind.Local ? m.ModifiedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-");
            }
            Terminal.Stdout.Write(table);
            return 0;
        });
        return cmd;
    }

    private static Command Show()
    {
        var name = new Argument<string>("model") { Description = "Model name." };
        var home = HomeOption();
        var cmd = new Command("show", "Describe a local model: architecture, parameters, quantization, context, template, file digest.") { name, home };
        cmd.SetAction((ParseResult r) =>
        {
            var store = new ModelStore(HearthHome.Resolve(r.GetValue(home)));
            var model = store.Find(r.GetValue(name)!);
            if (model?.FilePath is null)
            {
                Console.Error.WriteLine($"Model '{r.GetValue(name)}' not found in {store.ModelsDirectory}. Available: {string.Join(", ", store.List().Select(m => m.Id))}.");
                return 1;
            }
            ModelFileFacts facts;
            try
            {
                facts = ModelInspector.Inspect(model.FilePath);
            }
            catch (Hearth.Inference.Gguf.GgufFormatException e)
            {
                Console.Error.WriteLine($"{model.FilePath} is not a valid GGUF file: {e.Message}");
                return 1;
            }
            var d = facts.Details;
            var grid = new Grid().AddColumn().AddColumn();
            void Row(string k, string v) => grid.AddRow(Markup.Escape(k), Markup.Escape(v));
            Row("name", model.Id);
            Row("file", model.FilePath);
            Row("size", FormatBytes(model.SizeBytes));
            Row("gguf version", facts.GgufVersion.ToString(CultureInfo.InvariantCulture));
            Row("architecture", d.Architecture);
            Row("parameters", d.ParameterCount.ToString("N0", CultureInfo.InvariantCulture));
            Row("quantization", d.QuantizationType);
            Row("context length", d.ContextLengthTokens.ToString(CultureInfo.InvariantCulture));
            Row("embedding length", d.EmbeddingLength.ToString(CultureInfo.InvariantCulture));
            Row("tensors", facts.TensorCount.ToString(CultureInfo.InvariantCulture));
            Row("tokenizer", facts.TokenizerModel ?? "-");
            Row("chat template", d.ChatTemplate is null ? "none (ChatML fallback)" : $"{d.ChatTemplate.Length} chars");
            Row("tool calls", facts.ToolCallFormat);
            Terminal.Stdout.Write(grid);
            return 0;
        });
        return cmd;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("model") { Description = "Model name." };
        var home = HomeOption();
        var cmd = new Command("rm", "Delete a local model file.") { name, home };
        cmd.SetAction((ParseResult r) =>
        {
            var store = new ModelStore(HearthHome.Resolve(r.GetValue(home)));
            if (!store.Delete(r.GetValue(name)!))
            {
                Console.Error.WriteLine($"Model '{r.GetValue(name)}' not found in {store.ModelsDirectory}.");
                return 1;
            }
            Console.Out.WriteLine($"deleted {r.GetValue(name)}");
            return 0;
        });
        return cmd;
    }

    private static Command Keys()
    {
        var keys = new Command("keys", "API keys (hashed at rest, one tenant and role each). A node that has never had a key needs none; once it has had one, every API call must send an active key.");
        var tenant = new Option<string>("--tenant") { Description = "Tenant the key belongs to (ledger and budgets group by it).", Required = true };
        var label = new Option<string?>("--name") { Description = "A label to recognise the key by." };
        var admin = new Option<bool>("--admin") { Description = "An admin key: also pulls and deletes models, reads every tenant's ledger, /metrics and ledger verification." };
        var home = HomeOption();
        var create = new Command("create", "Create a key; it is printed once and never stored.") { tenant, label, admin, home };
        create.SetAction((ParseResult r) =>
        {
            var store = new ApiKeyStore(HearthHome.KeysFile(HearthHome.Resolve(r.GetValue(home))));
            var first = store.State == ApiKeyAuthState.Off;
            var (record, key) = store.Create(r.GetValue(tenant)!, r.GetValue(label), r.GetValue(admin) ? ApiKeyRoles.Admin : ApiKeyRoles.Tenant);
            Console.Out.WriteLine(key);
            Console.Error.WriteLine($"{record.Role} key {record.Id} for tenant '{record.Tenant}' created; store it now, it cannot be shown again.");
            if (first)
            {
                Console.Error.WriteLine($"This node now requires an API key on every request, also after all keys are revoked ({store.RequiredMarkerPath}).");
            }
            return 0;
        });
        var listHome = HomeOption();
        var list = new Command("list", "List keys (ids, tenants, roles, dates; never the keys).") { listHome };
        list.SetAction((ParseResult r) =>
        {
            var store = new ApiKeyStore(HearthHome.KeysFile(HearthHome.Resolve(r.GetValue(listHome))));
            var table = new Table().AddColumns("id", "tenant", "role", "name", "created", "status");
            foreach (var k in store.List())
            {
                table.AddRow(Markup.Escape(k.Id), Markup.Escape(k.Tenant), k.IsAdmin ? ApiKeyRoles.Admin : ApiKeyRoles.Tenant, Markup.Escape(k.Name ?? ""),
                    k.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    k.RevokedAt is { } at ? "revoked " + at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "active");
            }
            Terminal.Stdout.Write(table);
            return 0;
        });
        var id = new Argument<string>("id") { Description = "Key id (from 'hearth keys list')." };
        var revokeHome = HomeOption();
        var revoke = new Command("revoke", "Revoke a key; a running node refuses it within a second.") { id, revokeHome };
        revoke.SetAction((ParseResult r) =>
        {
            var store = new ApiKeyStore(HearthHome.KeysFile(HearthHome.Resolve(r.GetValue(revokeHome))));
            if (!store.Revoke(r.GetValue(id)!))
            {
                Console.Error.WriteLine($"No active key with id '{r.GetValue(id)}'.");
                return 1;
            }
            Console.Out.WriteLine($"revoked {r.GetValue(id)}");
            if (store.ActiveKeyCount == 0)
            {
                Console.Error.WriteLine("That was the last active key. Authentication stays on: every API request now gets 401 until a key is "
                    + "created with 'hearth keys create --tenant NAME --admin'. (/healthz, /readyz and /api/version stay open.)");
            }
            return 0;
        });
        keys.Subcommands.Add(create);
        keys.Subcommands.Add(list);
        keys.Subcommands.Add(revoke);
        return keys;
    }

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
        var dll = typeof(ServerCommands).Assembly.Location;
        var process = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? [process, dll] : [process];
    }

    private static string Ms(double ms) => ms.ToString("F3", CultureInfo.InvariantCulture) + " ms";

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("F2", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}

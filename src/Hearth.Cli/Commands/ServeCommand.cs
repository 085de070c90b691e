using System.CommandLine;
using System.Globalization;
using Hearth.Server.Auth;
using Hearth.Server.Configuration;
using Hearth.Server.Hosting;
using static Hearth.Cli.Commands.NodeSettings;

namespace Hearth.Cli.Commands;

/// <summary>Verb: serve (runs the node until stopped). Thin glue over <see cref="HearthNode"/>.</summary>
internal static class ServeCommand
{
    public static void AddTo(CliContext cli) => cli.Root.Subcommands.Add(Serve());

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
}

using System.CommandLine;
using System.CommandLine.Invocation;
using Hearth.Cli.Commands;

namespace Hearth.Cli;

public static class Program
{
    /// <summary>
    /// Parses and runs a verb. Parse errors and exceptions that escape a verb become one line on stderr and an exit code
    /// (<see cref="ExitCodes"/>: 2 usage, 1 failure, 130 cancelled); see <see cref="CliErrors"/>.
    /// </summary>
    public static int Main(string[] args)
    {
        ParseResult parse;
        try
        {
            parse = BuildRoot().Parse(args);
        }
#pragma warning disable CA1031 // a validator bug must not print a stack trace either
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"hearth: {CliErrors.Classify(e).Message}");
            return ExitCodes.Usage;
        }
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
        {
            return CliErrors.ReportParseErrors(parse, Console.Error);
        }
        try
        {
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            if (parse.CommandResult.Command.Name == "serve" && parse.CommandResult.Command.Parents.Any(p => p is RootCommand))
            {
                // The node handles SIGTERM/SIGINT itself (graceful shutdown bounded by Server:ShutdownGraceSeconds, then the
                // ledger's final checkpoint); System.CommandLine's default would exit 2 s after the signal, mid-shutdown.
                invocation.ProcessTerminationTimeout = null;
            }
            return parse.Invoke(invocation);
        }
#pragma warning disable CA1031 // the one place every escaping exception becomes a message and an exit code
        catch (Exception e)
#pragma warning restore CA1031
        {
            return CliErrors.Report(parse, e, Console.Error);
        }
    }

    /// <summary>The whole command tree; each area registers its verbs from its own file under Commands/.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "Hearth: local-first AI node. Runs small quantized models where the data lives, escalates selectively, " +
            "and meters every request's energy, carbon and water in a tamper-evident ledger.");
        var cli = new CliContext(
            root,
            Bench: new Command("bench", "Benchmarks that print figures and ratios (engine, gateway, ledger, router)."),
            Dev: new Command("dev", "Developer tools: random-weight models of real shapes, test fixtures."));
        ModelFileCommands.AddTo(cli);     // import, quantize, dev make-model
        TokenizeCommands.AddTo(cli);      // tokenize
        GenerateCommands.AddTo(cli);      // generate, bench engine
        ServeCommand.AddTo(cli);          // serve
        RunCommand.AddTo(cli);            // run
        PullCommand.AddTo(cli);           // pull
        ModelsCommands.AddTo(cli);        // models, show, rm
        KeysCommands.AddTo(cli);          // keys create|list|revoke
        BenchGatewayCommand.AddTo(cli);   // bench gateway
        LedgerCommands.AddTo(cli);        // ledger verify|report|calibrate, bench ledger
        RouterCommands.AddTo(cli);        // router import-routellm|train|eval, bench router
        if (cli.Bench.Subcommands.Count > 0)
        {
            root.Subcommands.Add(cli.Bench);
        }
        if (cli.Dev.Subcommands.Count > 0)
        {
            root.Subcommands.Add(cli.Dev);
        }
        return root;
    }
}

/// <summary>The command groups an area may add verbs to.</summary>
internal sealed record CliContext(RootCommand Root, Command Bench, Command Dev);

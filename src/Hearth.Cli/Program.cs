using System.CommandLine;
using Hearth.Cli.Commands;

namespace Hearth.Cli;

public static class Program
{
    public static int Main(string[] args) => BuildRoot().Parse(args).Invoke();

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
        ModelFileCommands.AddTo(cli);
        TokenizeCommands.AddTo(cli);
        GenerateCommands.AddTo(cli);
        ServerCommands.AddTo(cli);
        LedgerCommands.AddTo(cli);
        RouterCommands.AddTo(cli);
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

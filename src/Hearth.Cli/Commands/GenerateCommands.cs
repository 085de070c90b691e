namespace Hearth.Cli.Commands;

/// <summary>Verbs: generate, run, bench engine.</summary>
internal static class GenerateCommands
{
    public static void AddTo(CliContext cli)
    {
        _ = cli;
    }
}

namespace Hearth.Cli.Commands;

/// <summary>Verbs: tokenize.</summary>
internal static class TokenizeCommands
{
    public static void AddTo(CliContext cli)
    {
        _ = cli;
    }
}

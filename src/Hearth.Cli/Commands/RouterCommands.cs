namespace Hearth.Cli.Commands;

/// <summary>Verbs: router import-routellm|train|eval, bench router.</summary>
internal static class RouterCommands
{
    public static void AddTo(CliContext cli)
    {
        _ = cli;
    }
}

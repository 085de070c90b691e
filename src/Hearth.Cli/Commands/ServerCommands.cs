namespace Hearth.Cli.Commands;

/// <summary>Verbs: serve, pull, models, show, rm, keys, bench gateway.</summary>
internal static class ServerCommands
{
    public static void AddTo(CliContext cli)
    {
        _ = cli;
    }
}

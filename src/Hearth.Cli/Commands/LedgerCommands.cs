namespace Hearth.Cli.Commands;

/// <summary>Verbs: ledger verify|report|calibrate, bench ledger.</summary>
internal static class LedgerCommands
{
    public static void AddTo(CliContext cli)
    {
        _ = cli;
    }
}

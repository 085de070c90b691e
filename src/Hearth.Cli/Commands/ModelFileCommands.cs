namespace Hearth.Cli.Commands;

/// <summary>Verbs: import llama2c, quantize, dev make-model (GGUF files).</summary>
internal static class ModelFileCommands
{
    public static void AddTo(CliContext cli)
    {
        _ = cli;
    }
}

using Spectre.Console;

namespace Hearth.Cli;

/// <summary>
/// The consoles verbs draw tables and progress on. Escape codes (colour, cursor movement) are written only to a terminal:
/// when the stream is redirected to a file or pipe, or <c>NO_COLOR</c> is set, or <c>TERM=dumb</c>, output is plain text
/// (progress then prints plain lines instead of redrawing a bar).
/// </summary>
internal static class Terminal
{
    public static IAnsiConsole Stdout { get; } = Create(Console.Out, Console.IsOutputRedirected);

    public static IAnsiConsole Stderr { get; } = Create(Console.Error, Console.IsErrorRedirected);

    /// <summary>True when escape codes must not be written to a stream (redirected, or the user or terminal asks for none).</summary>
    public static bool Plain(bool redirected) =>
        redirected
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        || string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var plain = Plain(redirected);
        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = plain ? InteractionSupport.No : InteractionSupport.Detect,
        });
    }
}

using System.Text.RegularExpressions;
using Hearth.TestSupport;

namespace Hearth.Cli.Tests;

/// <summary>Checks shared by the CLI tests.</summary>
internal static partial class CliAssert
{
    /// <summary>stderr is exactly one line, <c>hearth VERB: …</c>, containing <paramref name="expected"/>, and no stack trace.</summary>
    public static void OneLineError(string stderr, string verb, string expected)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith($"hearth {verb}: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Hearth.", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\*\*Reference output\*\*.*?```\r?\n(?<text>.*?)\r?\n```", RegexOptions.Singleline)]
    private static partial Regex ReferenceBlock();

    /// <summary>llama2.c's greedy stories260K text, read from the shared README (where it is written down).</summary>
    public static string StoriesReferenceText()
    {
        var match = ReferenceBlock().Match(File.ReadAllText(TestData.File("README.md")));
        Assert.True(match.Success, "The shared README has no reference output block.");
        return match.Groups["text"].Value.Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>The model <see cref="HearthProcess.ImportStoriesAsync"/> writes.</summary>
    public static string StoriesModel(string home) => Path.Combine(home, "models", "stories260K.gguf");
}

using Hearth.TestSupport;

namespace Hearth.Cli.Tests.Commands;

/// <summary>End to end through the built <c>hearth</c> command: run.</summary>
public sealed class RunCommandTests
{
    [Fact]
    public async Task Run_LocalModelGreedy_PrintsAnswerToStdoutAndStatsToStderr()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var (code, stdout, stderr) = await HearthProcess.RunAsync(home.Path, "run", "stories260K", "Once upon a time", "--temperature", "0", "-n", "12");

        Assert.Equal(0, code);
        Assert.False(string.IsNullOrWhiteSpace(stdout));
        Assert.Contains("12 generated", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownModel_ExitsOneListingAvailable()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "run", "gpt-9", "hi");

        Assert.Equal(1, code);
        Assert.Contains("stories260K", stderr, StringComparison.Ordinal);
    }
}

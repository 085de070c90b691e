using Hearth.TestSupport;

namespace Hearth.Cli.Tests.Commands;

/// <summary>End to end through the built <c>hearth</c> command: models, show, rm.</summary>
public sealed class ModelsCommandsTests
{
    [Fact]
    public async Task ModelsShowRm_LocalModel_ListDescribeAndDelete()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var models = await HearthProcess.RunAsync(home.Path, "models");
        var show = await HearthProcess.RunAsync(home.Path, "show", "stories260K");
        var rm = await HearthProcess.RunAsync(home.Path, "rm", "stories260K");
        var after = await HearthProcess.RunAsync(home.Path, "show", "stories260K");

        Assert.Equal(0, models.ExitCode);
        Assert.Contains("stories260K", models.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("llama", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("260,032", show.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, rm.ExitCode);
        Assert.False(File.Exists(Path.Combine(home.Path, "models", "stories260K.gguf")));
        Assert.Equal(1, after.ExitCode);
    }
}

using Hearth.TestSupport;

namespace Hearth.Cli.Tests.Commands;

/// <summary><c>run</c> and <c>generate</c> take a model the same two ways: a name from <c>$HEARTH_HOME/models</c> or a GGUF path.</summary>
public sealed class ModelArgumentTests
{
    [Fact]
    public async Task Generate_ModelName_ResolvesToTheFileInHearthHome()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var byName = await HearthProcess.RunAsync(home.Path, "generate", "-m", "stories260K", "--temperature", "0", "-n", "16", "-t", "1");
        var byPath = await HearthProcess.RunAsync(home.Path, "generate", "-m", CliAssert.StoriesModel(home.Path), "--temperature", "0", "-n", "16", "-t", "1");

        Assert.True(byName.ExitCode == 0, byName.Stderr);
        Assert.Equal(0, byPath.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(byName.Stdout));
        Assert.Equal(byPath.Stdout, byName.Stdout);
    }

    [Fact]
    public async Task Generate_NeitherFileNorModelName_UsageErrorListingTheModels()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "generate", "-m", "storeis260K");

        Assert.Equal(ExitCodes.Usage, code);
        CliAssert.OneLineError(stderr, "generate", "'storeis260K' is neither a file nor a model in");
        Assert.Contains("models there: stories260K", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_GgufPathOutsideTheModelsFolder_RunsThatFile()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);
        using var elsewhere = new TempDir();
        var path = Path.Combine(elsewhere.Path, "tiny.gguf");
        File.Move(CliAssert.StoriesModel(home.Path), path);

        var (code, stdout, stderr) = await HearthProcess.RunAsync(home.Path, "run", path, "Once upon a time", "--temperature", "0", "-n", "8");

        Assert.True(code == 0, stderr);
        Assert.False(string.IsNullOrWhiteSpace(stdout));
        Assert.Contains("[tiny: ", stderr, StringComparison.Ordinal);
        Assert.Contains("8 generated", stderr, StringComparison.Ordinal);
    }
}

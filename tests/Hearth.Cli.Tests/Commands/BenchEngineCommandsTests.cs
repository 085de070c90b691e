using System.Text.Json;
using Hearth.TestSupport;

namespace Hearth.Cli.Tests.Commands;

public sealed class BenchEngineCommandsTests
{
    [Fact]
    public async Task BenchEngine_Parallel_ReportsEachLevelBatched()
    {
        using var home = new TempDir("hearth-cli-bench-");
        await HearthProcess.ImportStoriesAsync(home.Path);
        var model = Path.Combine(home.Path, "models", "stories260K.gguf");

        var (code, stdout, stderr) = await HearthProcess.RunAsync(home.Path, "bench", "engine", "-m", model, "--parallel", "4",
            "--runs", "1", "--quick", "--prompt-tokens", "8", "--gen-tokens", "16", "--threads", "2", "--json");

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var levels = doc.RootElement.GetProperty("levels").EnumerateArray().ToArray();
        Assert.Equal([1, 2, 4], levels.Select(l => l.GetProperty("sequences").GetInt32()));
        Assert.All(levels, l => Assert.True(l.GetProperty("aggregate_decode_tokens_per_second").GetDouble() > 0));
        Assert.Equal(1.0, levels[0].GetProperty("speed_up").GetDouble());
        Assert.Equal(1.0, levels[0].GetProperty("mean_sequences_per_step").GetDouble());
        Assert.True(levels[2].GetProperty("mean_sequences_per_step").GetDouble() > 1.5, "four concurrent decodes were not batched");
        Assert.True(levels[2].GetProperty("cpu_seconds_per_token").GetDouble() > 0);
    }

    [Fact]
    public async Task BenchEngine_NegativeParallel_FailsWithMessage()
    {
        using var home = new TempDir("hearth-cli-bench-");
        await HearthProcess.ImportStoriesAsync(home.Path);
        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "bench", "engine", "-m",
            Path.Combine(home.Path, "models", "stories260K.gguf"), "--parallel", "-3");
        Assert.Equal(2, code);
        Assert.Contains("--parallel", stderr, StringComparison.Ordinal);
    }
}

using System.Text.Json;
using Hearth.TestSupport;

namespace Hearth.Cli.Tests.Commands;

/// <summary>End to end through the built <c>hearth</c> command: generate and bench engine on the real stories260K model.</summary>
public sealed class GenerateCommandsTests
{
    [Fact]
    public async Task Generate_Stories260KGreedyFromBos_PrintsTheLlama2cReference()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var (code, stdout, stderr) = await HearthProcess.RunAsync(home.Path, "generate", "-m", CliAssert.StoriesModel(home.Path), "--temperature", "0", "-n", "200", "-t", "1");

        Assert.True(code == 0, stderr);
        // llama2.c strips the leading space of the first piece after BOS; generate ends its output with a newline.
        Assert.Equal(CliAssert.StoriesReferenceText(), stdout.TrimEnd('\n').TrimStart(' '));
        Assert.Contains("generated 200 tokens", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_PromptLongerThanContext_OneLineUsageError()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var (code, stdout, stderr) = await HearthProcess.RunAsync(home.Path, "generate", "-m", CliAssert.StoriesModel(home.Path),
            "--context", "8", "-p", "Once upon a time, there was a little girl named Lily. She loved to play outside.");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", stdout);
        CliAssert.OneLineError(stderr, "generate", "but the context window holds 8");
    }

    [Fact]
    public async Task Generate_MissingModelFile_OneLineUsageError()
    {
        using var home = new TempDir();

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "generate", "-m", Path.Combine(home.Path, "absent.gguf"));

        Assert.Equal(ExitCodes.Usage, code);
        CliAssert.OneLineError(stderr, "generate", "absent.gguf");
    }

    [Theory]
    [InlineData("--threads", "0", "--threads must be between 1 and 256")]
    [InlineData("--top-p", "0", "--top-p must be in (0, 1]")]
    [InlineData("--tokens", "abc", "--tokens")]
    public async Task Generate_BadOptionValue_OneLineUsageErrorNamingTheOption(string option, string value, string expected)
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "generate", "-m", CliAssert.StoriesModel(home.Path), option, value);

        Assert.Equal(ExitCodes.Usage, code);
        CliAssert.OneLineError(stderr, "generate", expected);
    }

    [Fact]
    public async Task BenchEngine_QuickJson_ReportsMemoryBarFiguresThatAddUp()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);
        var model = CliAssert.StoriesModel(home.Path);

        var (code, stdout, stderr) = await HearthProcess.RunAsync(home.Path, "bench", "engine", "-m", model, "-t", "1",
            "--prompt-tokens", "16", "--gen-tokens", "8", "--runs", "1", "--quick", "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var r = json.RootElement;
        long Long(string name) => r.GetProperty(name).GetInt64();
        Assert.Equal("stories260K", r.GetProperty("model").GetString());
        Assert.True(r.GetProperty("quick").GetBoolean());
        Assert.Equal(1, r.GetProperty("runs").GetInt32());
        Assert.Equal(1, r.GetProperty("decode_runs").GetArrayLength());
        Assert.True(r.GetProperty("prefill_tokens_per_second").GetDouble() > 0);
        Assert.True(r.GetProperty("decode_tokens_per_second").GetDouble() > 0);
        Assert.Equal(64, Long("prefill_batch_tokens"));
        // stories260K: 5 layers, 4 KV heads of 8 → KV dimension 32; F32 cache; positions = prompt + generated.
        Assert.Equal(5, Long("kv_cache_layers"));
        Assert.Equal(16 + 8, Long("kv_cache_positions"));
        Assert.Equal(32, Long("kv_cache_dimension"));
        Assert.Equal(4, Long("kv_cache_element_bytes"));
        Assert.Equal(5L * 24 * 32 * 2 * 4, Long("kv_cache_bytes"));
        Assert.Equal(new FileInfo(model).Length, Long("file_bytes"));
        Assert.Equal(Long("file_bytes") + Long("kv_cache_bytes") + (64L << 20), Long("memory_bar_bytes"));
        Assert.True(Long("peak_resident_bytes") > Long("file_bytes"));
        Assert.Equal(Long("peak_resident_bytes") <= Long("memory_bar_bytes"), r.GetProperty("memory_bar_met").GetBoolean());
        Assert.False(string.IsNullOrEmpty(r.GetProperty("peak_resident_method").GetString()));
    }

    [Fact]
    public async Task BenchEngine_Text_PrintsTheMemoryBarLine()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var (code, stdout, stderr) = await HearthProcess.RunAsync(home.Path, "bench", "engine", "-m", CliAssert.StoriesModel(home.Path), "-t", "1",
            "--prompt-tokens", "8", "--gen-tokens", "4", "--runs", "1", "--quick");

        Assert.True(code == 0, stderr);
        Assert.Matches(@"memory bar: [0-9.]+ MiB ≤ file \+ KV \+ 64 MB \(.*\): (met|NOT met)", stdout);
        Assert.Contains("quick run", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchEngine_FewerThanFiveRunsWithoutQuick_OneLineUsageError()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "bench", "engine", "-m", CliAssert.StoriesModel(home.Path), "--runs", "2");

        Assert.Equal(ExitCodes.Usage, code);
        CliAssert.OneLineError(stderr, "bench engine", "--runs must be at least 5");
    }
}

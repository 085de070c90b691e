using System.Text.Json;
using Hearth.TestSupport;

namespace Hearth.Cli.Tests.Commands;

/// <summary>End to end through the built <c>hearth ledger calibrate</c> on the real stories260K model.</summary>
public sealed class CalibrateCommandTests
{
    [Fact]
    public async Task Calibrate_Stories260KInHome_ReportsWattHoursPer1kTokensFromTheMeter()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var (code, stdout, stderr) = await HearthProcess.RunAsync(home.Path, "ledger", "calibrate", "--json", "--runs", "2", "-t", "1", "--watts-per-core", "10", "--pue", "1.5");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(128, root.GetProperty("workload").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(128, root.GetProperty("workload").GetProperty("gen_tokens").GetInt32());
        Assert.Equal(1.5, root.GetProperty("site_pue").GetDouble());
        Assert.Contains("10", root.GetProperty("power_basis").GetString(), StringComparison.Ordinal);
        var model = Assert.Single(root.GetProperty("models").EnumerateArray());
        Assert.Equal("stories260K", model.GetProperty("model").GetString());
        Assert.Equal(64, model.GetProperty("version").GetString()!.Length);   // the GGUF's SHA-256, as the ledger records it
        Assert.Equal(2, model.GetProperty("runs").GetInt32());
        Assert.Equal(2 * 128, model.GetProperty("tokens_in").GetInt64());
        Assert.Equal(2 * 128, model.GetProperty("tokens_out").GetInt64());
        var tokens = model.GetProperty("tokens").GetInt64();
        var cpu = model.GetProperty("cpu_seconds").GetDouble();
        var energy = model.GetProperty("energy_wh").GetDouble();
        Assert.Equal(512, tokens);
        Assert.True(cpu > 0 && model.GetProperty("wall_seconds").GetDouble() > 0);
        Assert.Equal(energy * 1000 / tokens, model.GetProperty("wh_per_1k_tokens").GetDouble(), 12);
        if (!root.GetProperty("measured").GetBoolean())
        {
            // The ledger's CPU-time model: CPU s × 10 W (+ resident GiB × 0.375 W during those seconds) × PUE 1.5.
            Assert.Equal("modelled", model.GetProperty("method").GetString());
            Assert.Equal(0.5, model.GetProperty("uncertainty").GetDouble());
            Assert.InRange(energy, cpu * 10 * 1.5 / 3600, cpu * (10 + 0.375) * 1.5 / 3600);
        }
        Assert.Equal(0, root.GetProperty("skipped").GetArrayLength());
    }

    [Fact]
    public async Task Calibrate_Table_HasOneRowPerModel()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var (code, stdout, stderr) = await HearthProcess.RunAsync(home.Path, "ledger", "calibrate", "--runs", "1", "-t", "1", "-m", CliAssert.StoriesModel(home.Path));

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("Wh/1k tokens", StringComparison.Ordinal) && l.Contains("uncertainty", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("stories260K ", StringComparison.Ordinal));
        Assert.Contains("power basis", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calibrate_NoModels_OneLineUsageError()
    {
        using var home = new TempDir();

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "ledger", "calibrate");

        Assert.Equal(ExitCodes.Usage, code);
        CliAssert.OneLineError(stderr, "ledger calibrate", "no models to calibrate");
    }

    [Fact]
    public async Task Calibrate_OneCorruptModel_SkipsItCalibratesTheRestAndExitsNonZero()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);
        File.WriteAllBytes(Path.Combine(home.Path, "models", "broken.gguf"), File.ReadAllBytes(CliAssert.StoriesModel(home.Path))[..4000]);

        var (code, stdout, stderr) = await HearthProcess.RunAsync(home.Path, "ledger", "calibrate", "--json", "--runs", "1", "-t", "1");

        Assert.Equal(ExitCodes.Usage, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("stories260K", Assert.Single(json.RootElement.GetProperty("models").EnumerateArray()).GetProperty("model").GetString());
        var skipped = Assert.Single(json.RootElement.GetProperty("skipped").EnumerateArray());
        Assert.Equal("broken.gguf", skipped.GetProperty("model").GetString());
        Assert.Contains("at byte", skipped.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("skipped broken.gguf", stderr, StringComparison.Ordinal);
    }
}

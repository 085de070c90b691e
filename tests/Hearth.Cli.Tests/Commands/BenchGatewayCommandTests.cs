using Hearth.TestSupport;

namespace Hearth.Cli.Tests.Commands;

/// <summary><c>hearth bench gateway</c> with its node in a separate <c>hearth serve</c> process (short and slow: the real run is 60 s at 200 and 1,000 req/s).</summary>
public sealed class BenchGatewayCommandTests
{
    [Fact]
    public async Task BenchGateway_ShortRunOutOfProcess_PrintsAddedLatencyAndNodeResidentMemory()
    {
        using var home = new TempDir();

        var (code, stdout, stderr) = await HearthProcess.RunAsync(home.Path, "bench", "gateway", "--seconds", "2", "--rates", "50", "--no-nginx");

        Assert.True(code is 0 or 1, $"exit {code}: {stderr}");
        Assert.Contains("'hearth serve' process", stderr, StringComparison.Ordinal);
        Assert.Contains("50 req/s  hearth", stderr, StringComparison.Ordinal);
        Assert.Contains("errors 0", stderr, StringComparison.Ordinal);
        Assert.Contains("RSS ", stdout, StringComparison.Ordinal);
        Assert.Contains("bar ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchGateway_BadRates_ExitsTwoNamingTheOption()
    {
        using var home = new TempDir();

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "bench", "gateway", "--rates", "fast");

        Assert.Equal(2, code);
        Assert.Contains("--rates", stderr, StringComparison.Ordinal);
    }
}

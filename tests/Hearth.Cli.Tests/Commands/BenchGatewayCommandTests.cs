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

        Assert.Contains("'hearth serve' process", stderr, StringComparison.Ordinal);
        Assert.Contains("50 req/s  hearth", stderr, StringComparison.Ordinal);
        Assert.Contains("errors 0", stderr, StringComparison.Ordinal);
        Assert.Contains("RSS ", stdout, StringComparison.Ordinal);
        // At 50 req/s with zero errors the latency bar (>= 1,000 req/s) does not apply, so the verdict rests on the node's
        // memory alone: a 2 s run on a busy machine may see RSS still growing. Whichever it saw, the printed verdict and the
        // exit code must agree with the printed row.
        var growing = stdout.Contains("GROWING", StringComparison.Ordinal);
        Assert.Equal(growing ? 1 : 0, code);
        Assert.Contains(growing ? "bar NOT met" : "bar met: ", stdout, StringComparison.Ordinal);
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

using System.Net;
using System.Net.Sockets;
using Hearth.TestSupport;

namespace Hearth.Cli.Tests.Commands;

/// <summary><c>hearth pull</c> as a process: no silent overwrite, and a stalled server ends the pull instead of hanging it.</summary>
public sealed class PullCommandTests
{
    [Fact]
    public async Task Pull_ExistingModelWithoutForce_FailsNamingForceAndKeepsFile()
    {
        using var home = new TempDir("hearth-cli-pull-");
        Directory.CreateDirectory(Path.Combine(home.Path, "models"));
        var existing = Path.Combine(home.Path, "models", "m.gguf");
        File.WriteAllBytes(existing, "GGUF-old"u8.ToArray());

        // Port 9 (discard) is never contacted: the name is checked before any download.
        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "pull", "http://127.0.0.1:9/m.gguf");

        Assert.Equal(1, code);
        Assert.Contains("--force", stderr, StringComparison.Ordinal);
        Assert.Equal("GGUF-old"u8.ToArray(), File.ReadAllBytes(existing));
    }

    [Fact]
    public async Task Pull_ServerAcceptsAndNeverAnswers_FailsAfterIdleTimeout()
    {
        using var home = new TempDir("hearth-cli-pull-");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var held = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true) { held.Add(await listener.AcceptTcpClientAsync(stop.Token)); }   // accept, read nothing, answer nothing
            }
            catch (OperationCanceledException)
            {
            }
        });

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, new Dictionary<string, string> { ["HEARTH__Pull__IdleReadTimeoutSeconds"] = "1" },
            "pull", $"http://127.0.0.1:{port}/m.gguf");
        await stop.CancelAsync();
        await accepting;
        foreach (var c in held) { c.Dispose(); }

        Assert.Equal(1, code);
        Assert.Contains("Pull:IdleReadTimeoutSeconds", stderr, StringComparison.Ordinal);
    }
}

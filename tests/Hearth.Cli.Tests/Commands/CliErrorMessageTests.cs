using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hearth.TestSupport;

namespace Hearth.Cli.Tests.Commands;

/// <summary>
/// What a newcomer sees when something is wrong: one useful line, the full config path of a bad key, the line and column of
/// broken JSON, no C# parameter names, advice that fits the failure, and no escape codes when output is not a terminal.
/// </summary>
public sealed class CliErrorMessageTests
{
    [Fact]
    public async Task Serve_PortAlreadyInUse_OneLineWithoutStackTrace()
    {
        using var home = new TempDir();
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "serve", "--port", port);

        Assert.Equal(1, code);
        Assert.Equal($"hearth serve: port {port} on 127.0.0.1 is already in use (another 'hearth serve'?). Stop it, or pick another port with --port N (0 picks a free one) or Server:Port.",
            stderr.Trim());
    }

    [Fact]
    public async Task Serve_UnknownKeysInNestedSections_NamesEachFullPathAndTheSectionsKeys()
    {
        using var home = new TempDir();
        File.WriteAllText(Path.Combine(home.Path, "appsettings.json"), """
            { "Server": { "Prot": 1 }, "Bogus": 2,
              "Upstreams": [ { "Name": "a", "BaseUrl": "http://127.0.0.1:9/v1", "Modles": [ "x" ] } ] }
            """);

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "serve", "--port", "0");

        Assert.Equal(2, code);
        Assert.Contains("Unknown setting 'Server:Prot'; Server has: Auth, Host, MaxConcurrentConnections, MaxConnectionsPerIp, MaxRequestBodyBytes, Port, Protocols, ShutdownGraceSeconds.", stderr, StringComparison.Ordinal);
        Assert.Contains("Unknown setting 'Bogus'; the top-level sections are: ", stderr, StringComparison.Ordinal);
        Assert.Contains("Unknown setting 'Upstreams:0:Modles'; Upstreams:0 has: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("BinderOptions", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Hearth.Server.Configuration", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_SettingsFileNotValidJson_NamesLineAndColumn()
    {
        using var home = new TempDir();
        var file = Path.Combine(home.Path, "appsettings.json");
        File.WriteAllText(file, "{\n  \"Server\": {\n    \"Port\": 12 12\n  }\n}\n");

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "serve", "--port", "0");

        Assert.Equal(2, code);
        Assert.Contains($"Settings file '{file}' is not valid JSON at line 3, column 16:", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber:", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://example.invalid/x.gguf", "'ftp://example.invalid/x.gguf' is neither an http(s) URL nor hf:org/repo/file.gguf.")]
    [InlineData(" ", "No model source given: expected an http(s) URL of a .gguf file or hf:org/repo/file.gguf.")]
    public async Task Pull_BadSource_MessageWithoutParameterName(string source, string expected)
    {
        using var home = new TempDir();

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "pull", source);

        Assert.Equal(1, code);
        Assert.Equal(expected, stderr.Trim());
    }

    [Fact]
    public async Task Pull_HostUnreachableOutputRedirected_NoResumeAdviceAndNoEscapeCodes()
    {
        using var home = new TempDir();
        // A port that was just free: connection refused, as on a machine without the network.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var psi = HearthProcess.StartInfo(home.Path, "pull", $"http://127.0.0.1:{port}/tiny.gguf");
        psi.Environment.Remove("NO_COLOR"); // a colour terminal's settings, with stdout and stderr piped
        psi.Environment["TERM"] = "xterm-256color";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90)); // 6 attempts with back-off take ~4 s
        await process.WaitForExitAsync(timeout.Token);
        var err = await stderr;

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("Nothing was downloaded: check the URL and that this machine can reach the host", err, StringComparison.Ordinal);
        Assert.DoesNotContain("resume", err, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\u001b', err + await stdout);
    }

    [Fact]
    public async Task Models_StdoutRedirected_TableWithoutEscapeCodes()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);
        var psi = HearthProcess.StartInfo(home.Path, "models");
        psi.Environment.Remove("NO_COLOR");
        psi.Environment["TERM"] = "xterm-256color";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("stories260K", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output);
    }
}

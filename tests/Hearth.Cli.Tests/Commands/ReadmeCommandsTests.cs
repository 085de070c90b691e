using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hearth.TestSupport;

namespace Hearth.Cli.Tests.Commands;

/// <summary>
/// The README's own commands, read from README.md and run as a newcomer types them (in bash, from the repository root, with a
/// fresh HOME so <c>~/.hearth</c> and <c>~/.local/bin</c> are empty). One change is made: <c>scripts/install.sh</c> gets
/// <c>--no-build</c>, because the test suite has just built the solution in Release and a second build must not rewrite
/// assemblies other tests are using; the launcher it installs runs that build.
/// </summary>
public sealed partial class ReadmeCommandsTests
{
    private const string InstallCommand = "scripts/install.sh";
    private const string ServeCommand = "hearth serve";

    [Fact]
    public async Task Readme_InstallImportRunAndServe_WorkOnAFreshHome()
    {
        var readme = File.ReadAllText(Path.Combine(TestData.RepoRoot, "README.md"));
        var blocks = BashBlock().Matches(readme).Select(m => m.Groups[1].Value).ToList();
        var setup = Assert.Single(blocks, b => b.Contains("./test.sh", StringComparison.Ordinal));
        var usage = Assert.Single(blocks, b => b.Contains("hearth import llama2c", StringComparison.Ordinal));
        var setupLines = Logical(setup).ToList();
        var install = Assert.Single(setupLines, l => l.StartsWith(InstallCommand, StringComparison.Ordinal));
        Assert.Contains(ServeCommand, setupLines);
        Assert.DoesNotContain("dotnet run", usage, StringComparison.Ordinal);
        Assert.True(PortIsFree(11435), "the README's node listens on 127.0.0.1:11435, which something else holds on this machine");
        using var home = new TempDir();

        // The install line (launcher into ~/.local/bin, PATH extended), then the usage block as written: import the tiny model
        // into $HEARTH_HOME/models, chat with it once.
        var preamble = install.Replace(InstallCommand, InstallCommand + " --no-build", StringComparison.Ordinal);
        var script = new StringBuilder("set -e\n").AppendLine(preamble);
        foreach (var line in Logical(usage))
        {
            script.AppendLine(line);
        }
        var (code, stdout, stderr) = await BashAsync(script.ToString(), home.Path, TimeSpan.FromSeconds(120));
        Assert.True(code == 0, $"README usage block failed ({code}): {stderr}");
        Assert.True(File.Exists(Path.Combine(home.Path, ".local", "bin", "hearth")), "install.sh puts the launcher in ~/.local/bin");
        Assert.True(File.Exists(Path.Combine(home.Path, ".hearth", "models", "stories260K.gguf")));
        Assert.False(string.IsNullOrWhiteSpace(stdout));

        // The set-up's serve command through the installed launcher: the node on its defaults, serving the imported model.
        using var serve = Process.Start(BashStartInfo(preamble + "\nexec " + ServeCommand, home.Path))!;
        try
        {
            var banner = await serve.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90));
            Assert.StartsWith("Hearth listening on http://127.0.0.1:11435/", banner);
            using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:11435/"), Timeout = TimeSpan.FromSeconds(60) };
            using var models = JsonDocument.Parse(await http.GetStringAsync("v1/models"));
            using var chat = await http.PostAsync("v1/chat/completions", new StringContent(
                """{"model":"stories260K","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":8,"temperature":0}""",
                Encoding.UTF8, "application/json"));

            Assert.Contains(models.RootElement.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString() == "stories260K");
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
            Assert.True(File.Exists(Path.Combine(home.Path, ".hearth", "ledger", "ledger.db")), "the embedded SQLite ledger lives in ~/.hearth");
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    [Fact]
    public void Readme_OutputPaths_PointOutsideTheRepository()
    {
        var readme = File.ReadAllText(Path.Combine(TestData.RepoRoot, "README.md")).Replace("\\\n", " ", StringComparison.Ordinal);

        // Every "-o X" a README command writes to: under $HEARTH_HOME (or ~/.hearth), an absolute path or a temp folder,
        // never a relative path that would leave untracked files in the working tree.
        var targets = OutputOption().Matches(readme).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(targets);
        Assert.All(targets, t => Assert.Matches("""^("?\$\{HEARTH_HOME:-\$HOME/\.hearth\}/|/|"?\$TMPDIR)""", t));
    }

    [Fact]
    public async Task Serve_EnvironmentVariableSetting_IsValidatedLikeTheSettingsFile()
    {
        using var home = new TempDir();
        var psi = HearthProcess.StartInfo(home.Path, "serve", "--port", "0");
        psi.Environment["HEARTH__Local__MaxLoadedModels"] = "0";

        var (code, _, stderr) = await RunAsync(psi, TimeSpan.FromSeconds(60));

        Assert.Equal(2, code);
        Assert.Contains("Local:MaxLoadedModels", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_EnvironmentVariableOverridesSettingsFile()
    {
        using var home = new TempDir();
        File.WriteAllText(Path.Combine(home.Path, "appsettings.json"), """{ "Server": { "Port": 1 } }""");
        var psi = HearthProcess.StartInfo(home.Path, "serve");
        psi.Environment["HEARTH__Server__Port"] = "0";
        using var process = Process.Start(psi)!;
        try
        {
            var banner = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.StartsWith("Hearth listening on http://127.0.0.1:", banner);
            Assert.DoesNotContain("127.0.0.1:1/", banner, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Lines of a shell block with backslash continuations joined and comments dropped.</summary>
    private static IEnumerable<string> Logical(string block)
    {
        var current = new StringBuilder();
        foreach (var raw in block.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.EndsWith('\\'))
            {
                current.Append(line[..^1]).Append(' ');
                continue;
            }
            current.Append(line);
            var text = current.ToString().Trim();
            current.Clear();
            if (text.Length > 0 && !text.StartsWith('#'))
            {
                yield return text;
            }
        }
    }

    private static ProcessStartInfo BashStartInfo(string script, string home)
    {
        var psi = new ProcessStartInfo("bash")
        {
            WorkingDirectory = TestData.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.Environment["HOME"] = home;
        psi.Environment.Remove("HEARTH_HOME");
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        // The README says ../shared; the suite may have been pointed elsewhere.
        var shared = Path.GetFullPath(Path.Combine(TestData.RepoRoot, "..", "shared"));
        if (!string.Equals(shared, TestData.Root, StringComparison.Ordinal))
        {
            psi.ArgumentList[1] = script.Replace("../shared/", TestData.Root + "/", StringComparison.Ordinal);
        }
        return psi;
    }

    private static Task<(int Code, string Stdout, string Stderr)> BashAsync(string script, string home, TimeSpan timeout) =>
        RunAsync(BashStartInfo(script, home), timeout);

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(ProcessStartInfo psi, TimeSpan timeout)
    {
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{string.Join(' ', psi.ArgumentList)}' did not finish in {timeout.TotalSeconds} s; stderr: {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static bool PortIsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex("```bash\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [GeneratedRegex("""hearth [a-z -]+ .*? -o ("[^"]+"|\S+)""")]
    private static partial Regex OutputOption();
}

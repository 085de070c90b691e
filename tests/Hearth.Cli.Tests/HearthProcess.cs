using System.Diagnostics;
using System.Text;

namespace Hearth.Cli.Tests;

/// <summary>Runs the built <c>hearth</c> command (<c>dotnet hearth.dll ...</c>) as a newcomer would, with its own HEARTH_HOME.</summary>
internal static class HearthProcess
{
    public static string HearthDll => Path.Combine(AppContext.BaseDirectory, "hearth.dll");

    public static ProcessStartInfo StartInfo(string home, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(HearthDll);
        foreach (var a in args) { psi.ArgumentList.Add(a); }
        psi.Environment["HEARTH_HOME"] = home;
        psi.Environment["NO_COLOR"] = "1";
        return psi;
    }

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string home, params string[] args) =>
        RunCoreAsync(home, null, null, args);

    /// <summary>As above, with extra environment variables (e.g. <c>HEARTH__Ledger__Store__Kind</c>).</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string home, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunCoreAsync(home, environment, null, args);

    /// <summary>Runs <c>hearth</c> with <paramref name="stdin"/> (raw bytes, then end of input) as its standard input.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string home, byte[]? stdin, params string[] args) =>
        RunCoreAsync(home, null, stdin, args);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunCoreAsync(string home, IReadOnlyDictionary<string, string>? environment, byte[]? stdin, string[] args)
    {
        var psi = StartInfo(home, args);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }
        psi.RedirectStandardInput = stdin is not null;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hearth {string.Join(' ', args)} did not finish in 90 s; stderr: {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Imports the shared stories260K checkpoint into HOME/models with <c>hearth import llama2c</c>.</summary>
    public static async Task ImportStoriesAsync(string home)
    {
        var models = Path.Combine(home, "models");
        Directory.CreateDirectory(models);
        var (code, _, err) = await RunAsync(home, "import", "llama2c",
            TestSupport.TestData.File("models/stories260K/stories260K.bin"), TestSupport.TestData.File("models/stories260K/tok512.bin"),
            "-o", Path.Combine(models, "stories260K.gguf"));
        Assert.True(code == 0, "import failed: " + err);
    }
}

using System.Diagnostics;
using System.Globalization;

namespace Hearth.Benchmarks.Gateway;

/// <summary>
/// A <c>hearth serve</c> node in its own process, for the gateway benchmark: so the node's resident memory can be watched
/// apart from the load generator's and the upstream's, and the node competes for the cores the way a deployed one does.
/// The caller gives the command that starts the CLI (e.g. <c>dotnet hearth.dll</c>); this class adds
/// <c>serve --home HOME --port 0</c>, waits for the "Hearth listening on URL" line and kills the process tree on dispose.
/// </summary>
public sealed class NodeProcess : IDisposable
{
    private const string ListeningPrefix = "Hearth listening on ";
    private readonly Process _process;

    private NodeProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    /// <summary>Starts the node on a free loopback port and returns once it listens (or throws with its stderr).</summary>
    public static async Task<NodeProcess> StartAsync(IReadOnlyList<string> command, string home, TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0)
        {
            throw new ArgumentException("The node command is empty.", nameof(command));
        }
        var psi = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in command.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var a in new[] { "serve", "--home", home, "--port", "0" })
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["NO_COLOR"] = "1";
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"'{command[0]}' did not start.");
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(startTimeout);
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
                if (line is null)
                {
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                    throw new InvalidOperationException($"hearth serve exited with code {process.ExitCode}: {await stderr.ConfigureAwait(false)}");
                }
                if (line.StartsWith(ListeningPrefix, StringComparison.Ordinal))
                {
                    var end = line.IndexOf(' ', ListeningPrefix.Length);
                    var url = new Uri(end < 0 ? line[ListeningPrefix.Length..] : line[ListeningPrefix.Length..end]);
                    _ = DrainAsync(process.StandardOutput);
                    return new NodeProcess(process, url);
                }
            }
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>The node's resident set (VmRSS) in bytes, read from <c>/proc</c>; falls back to the working set elsewhere.</summary>
    public long ResidentBytes()
    {
        var status = $"/proc/{_process.Id}/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kib = line["VmRSS:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        _process.Refresh();
        return _process.WorkingSet64;
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is not null)
            {
            }
        }
        catch (IOException)
        {
            // The process was killed.
        }
        catch (ObjectDisposedException)
        {
            // Disposed with the process.
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill(_process);
        _process.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;

namespace Hearth.Inference.Tests.Gguf;

/// <summary>
/// Runs numbered fuzz cases on dedicated background threads with a wall-clock bound per case: a case that runs longer is
/// reported as a hang (naming the case) and the run returns at once instead of stalling the test; the stuck thread is
/// abandoned (it is a background thread and ends with the test process).
/// </summary>
internal static class FuzzHarness
{
    /// <summary>Per-case bound: parsing or building from a few-MB file takes well under a second even on a loaded machine.</summary>
    public static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(20);

    /// <param name="count">Cases 0 … count−1.</param>
    /// <param name="workers">Threads.</param>
    /// <param name="bound">Most wall-clock time one case may take.</param>
    /// <param name="body">Runs case i on worker w; returns null when the case passed, else what went wrong. Exceptions are failures.</param>
    /// <param name="describe">Describes case i for a hang report (e.g. its mutation).</param>
    public static List<string> Run(int count, int workers, TimeSpan bound, Func<int, int, string?> body, Func<int, string>? describe = null)
    {
        var failures = new ConcurrentQueue<string>();
        var next = -1;
        var stop = 0;
        var running = new long[workers];     // start timestamp of the current case, 0 when idle
        var current = new int[workers];
        var threads = new Thread[workers];
        for (var w = 0; w < workers; w++)
        {
            var worker = w;
            threads[w] = new Thread(() =>
            {
                while (Volatile.Read(ref stop) == 0)
                {
                    var i = Interlocked.Increment(ref next);
                    if (i >= count)
                    {
                        return;
                    }
                    Volatile.Write(ref current[worker], i);
                    Volatile.Write(ref running[worker], Stopwatch.GetTimestamp());
                    try
                    {
                        if (body(i, worker) is { } failure)
                        {
                            failures.Enqueue(failure);
                        }
                    }
#pragma warning disable CA1031 // every exception type escaping a case is a finding
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        failures.Enqueue($"case {i}: {ex.GetType().Name}: {ex.Message}");
                    }
                    Volatile.Write(ref running[worker], 0);
                }
            })
            { IsBackground = true, Name = $"fuzz-{w}" };
            threads[w].Start();
        }
        while (threads.Any(t => t.IsAlive))
        {
            for (var w = 0; w < workers; w++)
            {
                var started = Volatile.Read(ref running[w]);
                if (started != 0 && Stopwatch.GetElapsedTime(started) > bound)
                {
                    var i = Volatile.Read(ref current[w]);
                    failures.Enqueue($"case {i} ran longer than {bound.TotalSeconds:F0} s (hang?): {describe?.Invoke(i) ?? ""}");
                    Volatile.Write(ref stop, 1);
                    return [.. failures];
                }
            }
            threads.FirstOrDefault(t => t.IsAlive)?.Join(TimeSpan.FromMilliseconds(50));
        }
        return [.. failures];
    }
}

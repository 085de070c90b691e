using System.Runtime.InteropServices;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Per-thread CPU-time clocks (Linux glibc): the calling thread's (<c>CLOCK_THREAD_CPUTIME_ID</c>) and, through
/// <c>pthread_getcpuclockid</c>, another thread's, readable from any thread while that thread lives. Elsewhere (or if the
/// calls are missing) <see cref="IsAvailable"/> is false and readings are NaN; process-wide time is never substituted,
/// because it would charge other threads' work to the caller.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    private static volatile bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>True while the per-thread clocks can be read.</summary>
    public static bool IsAvailable => !s_unavailable;

    /// <summary>CPU seconds the calling thread has used (user + kernel), or NaN when unavailable.</summary>
    public static double CurrentThreadSeconds() => Seconds(ClockThreadCpuTimeId);

    /// <summary>The calling thread's CPU clock, for <see cref="Seconds"/> from other threads; false when unavailable.</summary>
    public static bool TryGetCurrentThreadClock(out int clockId)
    {
        clockId = 0;
        if (s_unavailable)
        {
            return false;
        }
        try
        {
            return pthread_getcpuclockid(pthread_self(), out clockId) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
    }

    /// <summary>Reads a CPU clock (from <see cref="TryGetCurrentThreadClock"/>, or the calling thread's id 3), in seconds; NaN on failure.</summary>
    public static double Seconds(int clockId)
    {
        if (s_unavailable)
        {
            return double.NaN;
        }
        try
        {
            return clock_gettime(clockId, out var ts) == 0 ? ts.Seconds + (ts.Nanoseconds / 1e9) : double.NaN;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return double.NaN;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc.so.6", SetLastError = false)]
    private static partial int clock_gettime(int clockId, out Timespec ts);

    [LibraryImport("libc.so.6", SetLastError = false)]
    private static partial nuint pthread_self();

    [LibraryImport("libc.so.6", SetLastError = false)]
    private static partial int pthread_getcpuclockid(nuint thread, out int clockId);
}

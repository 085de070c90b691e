using System.Runtime.InteropServices;

namespace Hearth.Ledger.Energy;

/// <summary>CPU-time clocks: the calling thread's (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>) and the whole process's.</summary>
public static partial class CpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>CPU time of the whole process (user + kernel), seconds.</summary>
    public static double ProcessCpuSeconds() => Environment.CpuUsage.TotalTime.TotalSeconds;

    /// <summary>CPU time consumed by the calling thread, seconds; falls back to process time off Linux.</summary>
    public static double ThreadCpuSeconds()
    {
        if (OperatingSystem.IsLinux() && !s_threadClockUnavailable)
        {
            try
            {
                if (clock_gettime(ClockThreadCpuTimeId, out var ts) == 0)
                {
                    return ts.Seconds + (ts.Nanoseconds / 1e9);
                }
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                s_threadClockUnavailable = true;
            }
        }
        return ProcessCpuSeconds();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static bool s_threadClockUnavailable;

    /// <summary>True when the per-thread clock is read (Linux glibc); otherwise thread CPU falls back to process CPU.</summary>
    public static bool HasThreadClock => OperatingSystem.IsLinux() && !s_threadClockUnavailable;

    [LibraryImport("libc.so.6", SetLastError = false)]
    private static partial int clock_gettime(int clockId, out Timespec ts);
}

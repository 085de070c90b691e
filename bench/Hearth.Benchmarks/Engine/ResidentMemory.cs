using System.Diagnostics;
using System.Globalization;

namespace Hearth.Benchmarks.Engine;

/// <summary>
/// The process's peak resident set over a window of work. On Linux the kernel's high-water mark (<c>VmHWM</c> in
/// <c>/proc/self/status</c>) is reset to the current resident size by writing <c>5</c> to <c>/proc/self/clear_refs</c>, so the
/// peak read afterwards covers only the window (mapped model pages that were touched count, as they are resident).
/// Elsewhere, or if the reset is refused, the figure is the process's lifetime peak, which can only overstate the window.
/// </summary>
internal sealed class ResidentMemory
{
    private const string ClearRefs = "/proc/self/clear_refs";
    private const string Status = "/proc/self/status";

    private ResidentMemory(bool windowed) => IsWindowed = windowed;

    /// <summary>True when the peak covers only the window; false when it is the lifetime peak.</summary>
    public bool IsWindowed { get; }

    /// <summary>How the peak was measured, for reports.</summary>
    public string Method => IsWindowed ? "VmHWM, reset when generation started" : "process lifetime peak (VmHWM could not be reset)";

    /// <summary>Starts a window: resets the high-water mark when the OS allows it.</summary>
    public static ResidentMemory StartWindow()
    {
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists(ClearRefs))
            {
                File.WriteAllText(ClearRefs, "5");
                return new ResidentMemory(ReadStatusKibibytes("VmHWM:") is not null);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not permitted (e.g. a restricted container): fall back to the lifetime peak.
        }
        return new ResidentMemory(false);
    }

    /// <summary>Peak resident bytes since <see cref="StartWindow"/> (or the lifetime peak; see <see cref="IsWindowed"/>).</summary>
    public long PeakBytes()
    {
        if (IsWindowed && ReadStatusKibibytes("VmHWM:") is { } kib)
        {
            return kib * 1024;
        }
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    private static long? ReadStatusKibibytes(string field)
    {
        foreach (var line in File.ReadLines(Status))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var digits = line[field.Length..].Trim();
                var end = digits.IndexOf(' ', StringComparison.Ordinal);
                return long.TryParse(end < 0 ? digits : digits[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
            }
        }
        return null;
    }
}

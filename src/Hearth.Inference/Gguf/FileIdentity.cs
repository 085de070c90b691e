using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Hearth.Inference.Gguf;

/// <summary>
/// What identifies a file's contents cheaply: length, last-write time and (on Linux) device + inode, via <c>statx</c>.
/// Compared at <see cref="GgufFile.EnsureIntact"/> time against the values captured at open.
/// </summary>
internal readonly record struct FileIdentity(long Length, long MTimeTicks, ulong Device, ulong Inode)
{
    /// <summary>Identity of the open file behind <paramref name="handle"/> (the inode that is mapped).</summary>
    public static FileIdentity Of(SafeFileHandle handle)
    {
        if (OperatingSystem.IsLinux() && StatX.TryStat(handle, out var id))
        {
            return id;
        }
        return new FileIdentity(RandomAccess.GetLength(handle), File.GetLastWriteTimeUtc(handle).Ticks, 0, 0);
    }

    /// <summary>Identity of whatever file <paramref name="path"/> names now; null if it no longer exists.</summary>
    public static FileIdentity? Of(string path)
    {
        if (OperatingSystem.IsLinux() && StatX.TryStat(path, out var id))
        {
            return id;
        }
        var info = new FileInfo(path);
        return info.Exists ? new FileIdentity(info.Length, info.LastWriteTimeUtc.Ticks, 0, 0) : null;
    }
}

/// <summary>Linux <c>statx(2)</c>: its struct layout is the same on every architecture, unlike <c>struct stat</c>.</summary>
internal static unsafe partial class StatX
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int BufferBytes = 256;

    // Offsets in struct statx: stx_ino @32 (u64), stx_size @40 (u64), stx_mtime @112 (s64 sec, u32 nsec),
    // stx_dev_major @136 (u32), stx_dev_minor @140 (u32).
    public static bool TryStat(SafeFileHandle handle, out FileIdentity identity)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return TryStat((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, out identity);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    public static bool TryStat(string path, out FileIdentity identity) => TryStat(AtFdCwd, path, 0, out identity);

    private static bool TryStat(int dirFd, string path, int flags, out FileIdentity identity)
    {
        var buffer = stackalloc byte[BufferBytes];
        new Span<byte>(buffer, BufferBytes).Clear();
        int rc;
        try
        {
            rc = statx(dirFd, path, flags, StatxBasicStats, buffer);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            identity = default;
            return false;
        }
        if (rc != 0)
        {
            identity = default;
            return false;
        }
        var inode = *(ulong*)(buffer + 32);
        var size = *(ulong*)(buffer + 40);
        var mtimeSeconds = *(long*)(buffer + 112);
        var mtimeNanos = *(uint*)(buffer + 120);
        var device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
        identity = new FileIdentity((long)size, mtimeSeconds * TimeSpan.TicksPerSecond + mtimeNanos / 100, device, inode);
        return true;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string pathname, int flags, uint mask, byte* statxbuf);
}

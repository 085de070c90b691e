using System.Collections.Concurrent;
using System.Net;
using System.Runtime.InteropServices;
using Hearth.Server.Configuration;
using Microsoft.AspNetCore.Connections;

namespace Hearth.Server.Hosting;

/// <summary>
/// TCP connection limits, so a flood of idle connections cannot exhaust file descriptors (the node then spun in failing
/// accepts until it ran out of memory): a total below the process's descriptor limit (Kestrel closes connections past it at
/// once) and a per-client-IP share of it (<see cref="PerIpLimiter"/>). Connections already established keep being served.
/// </summary>
public static partial class ConnectionLimits
{
    /// <summary>Most connections <c>Server:MaxConcurrentConnections = 0</c> resolves to, whatever the descriptor limit allows.</summary>
    public const long AutoMaxConnections = 4096;

    /// <summary>
    /// <c>Server:MaxConcurrentConnections</c>, or when it is 0: half the soft <c>RLIMIT_NOFILE</c>, keeping at least 512
    /// descriptors for the rest — an idle node already holds ~220 (runtime, thread pool, ledger, listeners), model files, upstream
    /// sockets and the connections Kestrel accepts only to close them come on top — at least 64, at most
    /// <see cref="AutoMaxConnections"/>. Measured: with 1,024 descriptors and a limit of 768 a flood still ended in "Out of memory."
    /// </summary>
    public static long MaxConnections(ServerOptions options)
    {
        if (options.MaxConcurrentConnections > 0)
        {
            return options.MaxConcurrentConnections;
        }
        var descriptors = FileDescriptorLimit();
        if (descriptors is not { } soft)
        {
            return AutoMaxConnections;
        }
        var reserve = Math.Max(512, soft / 2);
        return Math.Clamp(soft - reserve, 64, AutoMaxConnections);
    }

    /// <summary>The soft limit on open file descriptors (Linux and macOS), or null where there is none to read.</summary>
    public static long? FileDescriptorLimit()
    {
        int resource;
        if (OperatingSystem.IsLinux())
        {
            resource = 7;   // RLIMIT_NOFILE
        }
        else if (OperatingSystem.IsMacOS())
        {
            resource = 8;
        }
        else
        {
            return null;
        }
        return GetRLimit(resource, out var limit) == 0 && limit.Current is > 0 and < long.MaxValue ? (long)limit.Current : null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetRLimit(int resource, out RLimit limit);

    /// <summary>
    /// Kestrel connection middleware: at most <c>maxPerIp</c> open connections per remote address; the next one is closed before
    /// any byte is read. Loopback is not exempt (a local process can flood as well as a remote one).
    /// </summary>
    public sealed class PerIpLimiter(int maxPerIp)
    {
        private readonly ConcurrentDictionary<IPAddress, int> _open = new();

        /// <summary>Connections refused since the node started.</summary>
        public long Refused => Interlocked.Read(ref _refused);

        private long _refused;

        public ConnectionDelegate Use(ConnectionDelegate next) => async connection =>
        {
            if (connection.RemoteEndPoint is not IPEndPoint { Address: var address })
            {
                await next(connection).ConfigureAwait(false);
                return;
            }
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }
            if (_open.AddOrUpdate(address, 1, (_, n) => n + 1) > maxPerIp)
            {
                Release(address);
                Interlocked.Increment(ref _refused);
                connection.Abort(new ConnectionAbortedException($"more than {maxPerIp} connections from one address (Server:MaxConnectionsPerIp)"));
                return;
            }
            try
            {
                await next(connection).ConfigureAwait(false);
            }
            finally
            {
                Release(address);
            }
        };

        private void Release(IPAddress address)
        {
            while (true)
            {
                var n = _open[address];
                if (n == 1 ? _open.TryRemove(new KeyValuePair<IPAddress, int>(address, 1)) : _open.TryUpdate(address, n - 1, n))
                {
                    return;
                }
            }
        }
    }
}

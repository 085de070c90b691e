using System.Net;
using System.Net.Sockets;
using System.Text;
using Hearth.Server.Configuration;
using Hearth.Server.Hosting;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;

namespace Hearth.Server.Tests.Hosting;

/// <summary>
/// A flood of idle loopback connections against a real node with low limits: past the limit connections are closed, those
/// already established keep working. (A few hundred sockets, not the 20,000 of the probe: the limits are set low instead.)
/// </summary>
public sealed class ConnectionLimitTests
{
    // Generous bound for each raw socket's answer on a loaded 2-core machine; a hang fails the test instead of the run.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    /// <summary>Opens <paramref name="count"/> sockets and sends nothing; null where the node reset the connection already.</summary>
    private static async Task<List<TcpClient?>> OpenIdleAsync(Uri node, int count)
    {
        var sockets = new List<TcpClient?>(count);
        for (var i = 0; i < count; i++)
        {
            var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, node.Port);
                sockets.Add(client);
            }
            catch (SocketException)
            {
                client.Dispose();
                sockets.Add(null);
            }
        }
        return sockets;
    }

    /// <summary>Sends one request on each socket: true = answered 200, false = closed/reset by the node.</summary>
    private static async Task<bool[]> AskAsync(List<TcpClient?> sockets)
    {
        var request = Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        return await Task.WhenAll(sockets.Select(async socket =>
        {
            if (socket is null)
            {
                return false;
            }
            using var guard = new CancellationTokenSource(HangGuard);
            try
            {
                var stream = socket.GetStream();
                await stream.WriteAsync(request, guard.Token);
                var buffer = new byte[256];
                var read = await stream.ReadAsync(buffer, guard.Token);
                return read > 0 && Encoding.ASCII.GetString(buffer, 0, read).StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                return false;   // reset by the node
            }
        }));
    }

    private static HttpClient OneConnectionClient(Uri baseAddress) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseAddress,
            Timeout = HangGuard,
        };

    [Fact]
    public async Task Connect_MoreThanPerIpLimitFromOneAddress_ExtraClosedEstablishedKeepServing()
    {
        using var home = new TempDir();
        var options = TestNodes.Options(home);
        await using var node = await TestNodes.StartAsync(options with { Server = options.Server with { MaxConnectionsPerIp = 8 } });
        using var established = OneConnectionClient(node.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await established.GetAsync("healthz")).StatusCode);

        var flood = await OpenIdleAsync(node.BaseAddress, 200);
        var answered = await AskAsync(flood);
        using var afterFlood = await established.GetAsync("api/version");

        Assert.Equal(7, answered.Count(a => a));   // 8 per address, one of them the established client
        Assert.Equal(HttpStatusCode.OK, afterFlood.StatusCode);
        foreach (var socket in flood) { socket?.Dispose(); }
    }

    [Fact]
    public async Task Connect_MoreThanMaxConcurrentConnections_ExtraClosedEstablishedKeepServing()
    {
        using var home = new TempDir();
        var options = TestNodes.Options(home);
        await using var node = await TestNodes.StartAsync(options with { Server = options.Server with { MaxConcurrentConnections = 16, MaxConnectionsPerIp = 10_000 } });
        using var established = OneConnectionClient(node.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await established.GetAsync("healthz")).StatusCode);

        var flood = await OpenIdleAsync(node.BaseAddress, 300);
        var answered = await AskAsync(flood);
        using var afterFlood = await established.GetAsync("api/version");
        foreach (var socket in flood) { socket?.Dispose(); }

        Assert.Equal(15, answered.Count(a => a));
        Assert.Equal(HttpStatusCode.OK, afterFlood.StatusCode);
    }

    [Fact]
    public void MaxConnections_Auto_StaysBelowTheDescriptorLimit()
    {
        var auto = ConnectionLimits.MaxConnections(new ServerOptions());
        var explicitLimit = ConnectionLimits.MaxConnections(new ServerOptions { MaxConcurrentConnections = 123 });

        Assert.Equal(123, explicitLimit);
        Assert.InRange(auto, 64, ConnectionLimits.AutoMaxConnections);
        if (ConnectionLimits.FileDescriptorLimit() is { } descriptors && descriptors > 576)
        {
            Assert.True(auto <= descriptors - 512, $"{auto} connections leave too few of {descriptors} descriptors");
        }
        if (OperatingSystem.IsLinux())
        {
            Assert.NotNull(ConnectionLimits.FileDescriptorLimit());
        }
    }
}

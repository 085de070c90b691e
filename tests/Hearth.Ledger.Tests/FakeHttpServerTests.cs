namespace Hearth.Ledger.Tests;

/// <summary>The loopback fake binds port 0 and keeps it, so fakes started at once never collide on a port.</summary>
public sealed class FakeHttpServerTests
{
    [Fact]
    public async Task Constructor_ManyStartedInParallel_EachAnswersWithItsOwnHandler()
    {
        const int Count = 16;
        var servers = await Task.WhenAll(Enumerable.Range(0, Count).Select(i => Task.Run(() => new FakeHttpServer(_ => (200, $"{{\"server\":{i}}}")))));
        try
        {
            using var http = new HttpClient();
            var bodies = await Task.WhenAll(servers.Select(s => http.GetStringAsync(new Uri(s.BaseAddress, "probe?x=1"))));

            Assert.Equal(Count, servers.Select(s => s.BaseAddress.Port).Distinct().Count());
            Assert.All(servers, s => Assert.Equal("127.0.0.1", s.BaseAddress.Host));
            Assert.Equal(Enumerable.Range(0, Count).Select(i => $"{{\"server\":{i}}}"), bodies);
            Assert.All(servers, s => Assert.Equal(["/probe?x=1"], s.Requests));
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}

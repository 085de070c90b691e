using System.Net;
using System.Text.Json;
using Hearth.Server.Configuration;
using Hearth.Server.Tests.OpenAi;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;

namespace Hearth.Server.Tests.Ollama;

/// <summary><c>/api/pull</c> on a real node against hostile loopback file servers: typed errors, no overwrite, no orphaned partial files.</summary>
public sealed class OllamaPullLimitsTests
{
    private static byte[] FakeGguf(int length)
    {
        var bytes = new byte[length];
        new Random(3).NextBytes(bytes);
        "GGUF"u8.CopyTo(bytes);
        return bytes;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Pull_RedirectToFileUrl_Returns400NamingTheScheme(bool stream)
    {
        using var home = new TempDir();
        await using var files = await LoopbackFileServer.StartAsync();
        files.AddHandler("m.gguf", context =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = "file:///etc/passwd";
            return Task.CompletedTask;
        });
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home));
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        using var pull = await http.PostAsync("api/pull", LocalChatTests.Json($$"""{"model":"{{new Uri(files.BaseAddress, "f/m.gguf")}}","stream":{{(stream ? "true" : "false")}}}"""));
        var body = JsonDocument.Parse(await pull.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, pull.StatusCode);
        Assert.Contains("'file:'", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_ExistingModelName_Returns409UnlessForce()
    {
        using var home = new TempDir();
        await using var files = await LoopbackFileServer.StartAsync();
        var fresh = FakeGguf(20_000);
        files.Add("m.gguf", fresh);
        Directory.CreateDirectory(HearthHome.ModelsDirectory(home.Path));
        var existing = Path.Combine(HearthHome.ModelsDirectory(home.Path), "m.gguf");
        var old = FakeGguf(1_000);
        old[500] ^= 1;
        File.WriteAllBytes(existing, old);
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home));
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var url = new Uri(files.BaseAddress, "f/m.gguf");

        using var refused = await http.PostAsync("api/pull", LocalChatTests.Json($$"""{"model":"{{url}}"}"""));
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        var afterRefusal = File.ReadAllBytes(existing);
        using var forced = await http.PostAsync("api/pull", LocalChatTests.Json($$"""{"model":"{{url}}","force":true,"stream":false}"""));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("force", error, StringComparison.Ordinal);
        Assert.Equal(old, afterRefusal);
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Equal(fresh, File.ReadAllBytes(existing));
    }

    [Fact]
    public async Task Pull_ClientLeavesDuringEndlessBody_PartialFileDeleted()
    {
        using var home = new TempDir();
        await using var files = await LoopbackFileServer.StartAsync();
        files.AddHandler("endless.gguf", async context =>
        {
            var chunk = new byte[1 << 16];
            "GGUF"u8.CopyTo(chunk);
            try
            {
                while (!context.RequestAborted.IsCancellationRequested)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                    await Task.Delay(5, context.RequestAborted);   // ~13 MB/s: the partial file exists well before the client leaves
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // the node went away
            }
        });
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home));
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var partial = Path.Combine(HearthHome.DownloadsDirectory(home.Path), "endless.gguf.partial");

        using (var request = new HttpRequestMessage(HttpMethod.Post, "api/pull") { Content = LocalChatTests.Json($$"""{"model":"{{new Uri(files.BaseAddress, "f/endless.gguf")}}"}""") })
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            // Read progress until some bytes are on disk, then hang up.
            while (await reader.ReadLineAsync() is { } line && !(line.Contains("\"completed\"", StringComparison.Ordinal) && File.Exists(partial) && new FileInfo(partial).Length > 0))
            {
            }
            Assert.True(File.Exists(partial));
        }

        // The node notices the disconnect on its next write or read; generous bound for a loaded 2-core machine.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (File.Exists(partial) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.False(File.Exists(partial), "the partial file of an abandoned pull must be deleted");
    }
}

using Hearth.Server.Configuration;
using Hearth.Server.Store;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Tests.Store;

/// <summary>Pull limits against hostile or broken loopback servers: sidecar bound, size cap, idle timeout, partial files, overwrite, redirects.</summary>
public sealed class ModelDownloaderLimitsTests
{
    // Generous bound for a pull that must end by itself: a regression (reading forever) fails here instead of hanging the run.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private static byte[] FakeGguf(int length)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        "GGUF"u8.CopyTo(bytes);
        return bytes;
    }

    private static ModelSource Source(LoopbackFileServer server, string name) => ModelSource.Parse(new Uri(server.BaseAddress, "f/" + name).ToString());

    /// <summary>Writes 64 KiB chunks without a Content-Length until the client goes away; counts what it managed to send.</summary>
    private static RequestDelegate Endless(byte[] first, Action<long>? sent = null) => async context =>
    {
        var chunk = new byte[1 << 16];
        Array.Fill(chunk, (byte)'a');
        long total = 0;
        try
        {
            await context.Response.Body.WriteAsync(first, context.RequestAborted);
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                total += chunk.Length;
                sent?.Invoke(total);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // the client left
        }
    };

    private static string Downloads(TempDir home) => HearthHome.DownloadsDirectory(home.Path);

    [Fact]
    public async Task Pull_SidecarWithoutContentLengthEndless_IgnoresSidecarAndCompletes()
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        var content = FakeGguf(100_000);
        server.Add("m.gguf", content);
        server.AddHandler("m.gguf.sha256", Endless([]));
        using var http = new HttpClient();
        using var guard = new CancellationTokenSource(HangGuard);

        var result = await new ModelDownloader(http, home.Path).PullAsync(Source(server, "m.gguf"), null, guard.Token);

        Assert.False(result.Verified);   // 4 KiB read, more was coming: not a digest
        Assert.Equal(content, File.ReadAllBytes(result.Path));
    }

    [Fact]
    public async Task Pull_EndlessBody_StopsAtCapAndDeletesPartial()
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        server.AddHandler("endless.gguf", Endless("GGUF"u8.ToArray()));
        using var http = new HttpClient();
        using var guard = new CancellationTokenSource(HangGuard);
        var limits = new PullOptions { MaxDownloadBytes = 1 << 20 };

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() =>
            new ModelDownloader(http, home.Path, limits: limits).PullAsync(Source(server, "endless.gguf"), null, guard.Token));

        Assert.Contains("Pull:MaxDownloadBytes", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Downloads(home)));
        Assert.False(File.Exists(Path.Combine(HearthHome.ModelsDirectory(home.Path), "endless.gguf")));
    }

    [Fact]
    public async Task Pull_ContentLengthOverCap_RefusedBeforeWritingAnything()
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        server.Add("big.gguf", FakeGguf(300_000));
        using var http = new HttpClient();
        var limits = new PullOptions { MaxDownloadBytes = 100_000 };

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() =>
            new ModelDownloader(http, home.Path, limits: limits).PullAsync(Source(server, "big.gguf"), null, CancellationToken.None));

        Assert.Contains("300,000 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was downloaded", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Downloads(home)));
    }

    [Fact]
    public async Task Pull_DefaultCap_FollowsFreeDiskMinusReserve()
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        server.Add("m.gguf", FakeGguf(50_000));
        using var http = new HttpClient();
        var free = ModelDownloader.FreeBytesOfVolume(home.Path);
        // A reserve larger than the free space leaves room for nothing: the pull is refused up front.
        var limits = new PullOptions { MinFreeDiskBytes = free + (1L << 30) };

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() =>
            new ModelDownloader(http, home.Path, limits: limits).PullAsync(Source(server, "m.gguf"), null, CancellationToken.None));

        Assert.Contains("Pull:MinFreeDiskBytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_StalledBody_FailsAfterIdleTimeoutAndKeepsPartialForResume()
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        server.AddHandler("stall.gguf", async context =>
        {
            context.Response.ContentLength = 1_000_000;
            await context.Response.Body.WriteAsync(FakeGguf(10_000));
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var http = new HttpClient();
        using var guard = new CancellationTokenSource(HangGuard);
        var limits = new PullOptions { IdleReadTimeoutSeconds = 1 };

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() =>
            new ModelDownloader(http, home.Path, maxAttempts: 2, limits: limits).PullAsync(Source(server, "stall.gguf"), null, guard.Token));

        Assert.False(guard.IsCancellationRequested);
        Assert.Contains("Pull:IdleReadTimeoutSeconds", e.Message, StringComparison.Ordinal);
        Assert.Equal(10_000, new FileInfo(Path.Combine(Downloads(home), "stall.gguf.partial")).Length);
    }

    [Fact]
    public async Task Pull_StalledHeaders_FailsAfterIdleTimeout()
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        server.AddHandler("silent.gguf", context => Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default));
        using var http = new HttpClient();
        using var guard = new CancellationTokenSource(HangGuard);
        var limits = new PullOptions { IdleReadTimeoutSeconds = 1 };

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() =>
            new ModelDownloader(http, home.Path, maxAttempts: 1, limits: limits).PullAsync(Source(server, "silent.gguf"), null, guard.Token));

        Assert.Contains("response headers", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Pull_Cancelled_DeletesPartialOnlyWhenAsked(bool deletePartial)
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        using var cancel = new CancellationTokenSource(HangGuard);
        server.AddHandler("slow.gguf", Endless("GGUF"u8.ToArray()));
        using var http = new HttpClient();
        // The caller goes away once the body is being written to the partial file.
        var progress = new SyncProgress(p =>
        {
            if (p.Phase == "downloading") { cancel.Cancel(); }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new ModelDownloader(http, home.Path).PullAsync(Source(server, "slow.gguf"), new PullMode(DeletePartialWhenCancelled: deletePartial), progress, cancel.Token));

        Assert.Equal(!deletePartial, File.Exists(Path.Combine(Downloads(home), "slow.gguf.partial")));
    }

    [Fact]
    public async Task Pull_ExistingModel_RefusedWithoutOverwriteReplacedWithIt()
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        var v2 = FakeGguf(20_000);
        server.Add("m.gguf", v2);
        Directory.CreateDirectory(HearthHome.ModelsDirectory(home.Path));
        var existing = Path.Combine(HearthHome.ModelsDirectory(home.Path), "m.gguf");
        File.WriteAllBytes(existing, FakeGguf(5_000));
        using var http = new HttpClient();

        var refused = await Assert.ThrowsAsync<ModelExistsException>(() =>
            new ModelDownloader(http, home.Path).PullAsync(Source(server, "m.gguf"), null, CancellationToken.None));
        var untouched = new FileInfo(existing).Length;
        var replaced = await new ModelDownloader(http, home.Path).PullAsync(Source(server, "m.gguf"), new PullMode(Overwrite: true), null, CancellationToken.None);

        Assert.Contains("--force", refused.Message, StringComparison.Ordinal);
        Assert.Equal(5_000, untouched);
        Assert.Single(server.RangesSeen);   // the refused pull never asked the server for the file
        Assert.Equal(v2, File.ReadAllBytes(replaced.Path));
    }

    [Theory]
    [InlineData("m.gguf", true)]
    [InlineData("m.gguf.sha256", true)]
    [InlineData("m.gguf", false)]
    [InlineData("m.gguf.sha256", false)]
    public async Task Pull_RedirectToFileScheme_ThrowsSourceRejected(string redirected, bool pullClient)
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        server.Add("m.gguf", FakeGguf(10_000));
        server.AddHandler(redirected, context =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = "file:///etc/passwd";
            return Task.CompletedTask;
        });
        // Both the client pulls use (redirects followed hop by hop) and a plain one that follows redirects by itself.
        using var http = pullClient ? ModelDownloader.CreateHttpClient() : new HttpClient();

        var e = await Assert.ThrowsAsync<ModelSourceRejectedException>(() =>
            new ModelDownloader(http, home.Path).PullAsync(Source(server, "m.gguf"), null, CancellationToken.None));

        Assert.Contains(pullClient ? "'file:'" : "redirects to a URL", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(HearthHome.ModelsDirectory(home.Path), "m.gguf")));
    }

    private sealed class SyncProgress(Action<PullProgress> report) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => report(value);
    }

    [Fact]
    public async Task Pull_HttpRedirect_FollowedWithRangeToTheFile()
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        var content = FakeGguf(30_000);
        server.Add("real.gguf", content);
        server.AddHandler("alias.gguf", context =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = "/f/real.gguf";
            return Task.CompletedTask;
        });
        using var http = ModelDownloader.CreateHttpClient();

        var result = await new ModelDownloader(http, home.Path).PullAsync(Source(server, "alias.gguf"), null, CancellationToken.None);

        Assert.Equal("alias", result.ModelName);
        Assert.Equal(content, File.ReadAllBytes(result.Path));
    }
}

using System.Security.Cryptography;
using Hearth.Server.Configuration;
using Hearth.Server.Store;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;

namespace Hearth.Server.Tests.Store;

public sealed class ModelDownloaderTests
{
    private static byte[] FakeGguf(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        "GGUF"u8.CopyTo(bytes);
        return bytes;
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task Pull_WithSidecarDigest_VerifiesAndMovesIntoModels()
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        var content = FakeGguf(200_000);
        server.Add("tiny.gguf", content, sidecar: Sha(content));
        using var http = new HttpClient();
        var progress = new List<PullProgress>();

        var result = await new ModelDownloader(http, home.Path).PullAsync(ModelSource.Parse(new Uri(server.BaseAddress, "f/tiny.gguf").ToString()),
            new SyncProgress(progress.Add), CancellationToken.None);

        Assert.True(result.Verified);
        Assert.Equal(Sha(content), result.Sha256);
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(HearthHome.ModelsDirectory(home.Path), "tiny.gguf")));
        Assert.Empty(Directory.GetFiles(HearthHome.DownloadsDirectory(home.Path)));
        Assert.Contains(progress, p => p.Phase == "verifying");
        Assert.Equal("success", progress[^1].Phase);
    }

    [Fact]
    public async Task Pull_ConnectionDroppedMidFile_ResumesWithRangeAndCompletes()
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        var content = FakeGguf(300_000);
        server.Add("flaky.gguf", content, etag: "\"" + Sha(content) + "\"");
        server.DropAfterBytes = 100_000;
        server.DropConnections(2);
        using var http = new HttpClient();

        var result = await new ModelDownloader(http, home.Path).PullAsync(ModelSource.Parse(new Uri(server.BaseAddress, "f/flaky.gguf").ToString()), null, CancellationToken.None);

        Assert.Equal(2, result.Resumes);
        Assert.True(result.Verified);
        Assert.Equal(content, File.ReadAllBytes(result.Path));
        Assert.Equal(3, server.RangesSeen.Count);
        Assert.Null(server.RangesSeen[0]);
        Assert.StartsWith("bytes=", server.RangesSeen[1]);
        Assert.StartsWith("bytes=", server.RangesSeen[2]);
    }

    [Fact]
    public async Task Pull_FileChangedOnServerBetweenRuns_IfRangeMismatchRestartsWithNewFile()
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        var v1 = FakeGguf(300_000);
        var v2 = FakeGguf(320_000);
        v2[100] ^= 0xFF;
        server.Add("m.gguf", v1, etag: "\"v1\"");   // not a digest: nothing would catch a stitched file but If-Range
        server.DropAfterBytes = 100_000;
        server.DropConnections(1);
        using var http = new HttpClient();
        var source = ModelSource.Parse(new Uri(server.BaseAddress, "f/m.gguf").ToString());
        await Assert.ThrowsAsync<ModelDownloadException>(() => new ModelDownloader(http, home.Path, maxAttempts: 1).PullAsync(source, null, CancellationToken.None));
        server.Add("m.gguf", v2, etag: "\"v2\"");

        var result = await new ModelDownloader(http, home.Path).PullAsync(source, null, CancellationToken.None);

        Assert.Equal(v2, File.ReadAllBytes(result.Path));
        Assert.Equal("\"v1\"", server.IfRangesSeen[1]);   // resumed with the first response's validator, the server said 200
        Assert.False(File.Exists(Path.Combine(HearthHome.DownloadsDirectory(home.Path), "m.gguf.partial.validator")));
    }

    [Fact]
    public async Task Pull_NoValidatorAcrossRuns_DownloadsAgainFromZero()
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        var content = FakeGguf(300_000);
        server.Add("plain.gguf", content);
        server.DropAfterBytes = 100_000;
        server.DropConnections(1);
        using var http = new HttpClient();
        var source = ModelSource.Parse(new Uri(server.BaseAddress, "f/plain.gguf").ToString());
        await Assert.ThrowsAsync<ModelDownloadException>(() => new ModelDownloader(http, home.Path, maxAttempts: 1).PullAsync(source, null, CancellationToken.None));

        var result = await new ModelDownloader(http, home.Path).PullAsync(source, null, CancellationToken.None);

        Assert.Equal(content, File.ReadAllBytes(result.Path));
        Assert.Null(server.RangesSeen[1]);   // no ETag, no Last-Modified: the partial bytes were not trusted
    }

    [Fact]
    public async Task Pull_DigestMismatch_ThrowsAndLeavesNoModel()
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        var content = FakeGguf(50_000);
        server.Add("bad.gguf", content, sidecar: new string('0', 64));
        using var http = new HttpClient();

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() =>
            new ModelDownloader(http, home.Path).PullAsync(ModelSource.Parse(new Uri(server.BaseAddress, "f/bad.gguf").ToString()), null, CancellationToken.None));

        Assert.Contains("SHA-256 mismatch", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(HearthHome.ModelsDirectory(home.Path), "bad.gguf")));
    }

    [Fact]
    public async Task Pull_NotGguf_ThrowsNamingMagic()
    {
        using var home = new TempDir();
        await using var server = await LoopbackFileServer.StartAsync();
        server.Add("html.gguf", "<html>not a model</html>"u8.ToArray());
        using var http = new HttpClient();

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() =>
            new ModelDownloader(http, home.Path).PullAsync(ModelSource.Parse(new Uri(server.BaseAddress, "f/html.gguf").ToString()), null, CancellationToken.None));

        Assert.Contains("GGUF", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HuggingFaceSpec_ResolvesAgainstEndpoint()
    {
        var source = ModelSource.Parse("hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf", "http://127.0.0.1:9/");

        Assert.Equal("http://127.0.0.1:9/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf", source.Url.ToString());
        Assert.Equal("qwen2.5-0.5b-instruct-q4_k_m", source.ModelName);
        Assert.Throws<ArgumentException>(() => ModelSource.Parse("hf:only/two"));
        Assert.Throws<ArgumentException>(() => ModelSource.Parse("ftp://x/y.gguf"));
        Assert.Throws<ArgumentException>(() => ModelSource.Parse("http://x/readme.txt"));
    }

    private sealed class SyncProgress(Action<PullProgress> report) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => report(value);
    }
}

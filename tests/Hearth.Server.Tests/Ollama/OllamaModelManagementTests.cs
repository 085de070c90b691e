using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.Inference.Import;
using Hearth.Server.Tests.OpenAi;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;

namespace Hearth.Server.Tests.Ollama;

/// <summary>Ollama's model management on a node of its own: pull with streamed progress from a loopback file server, then delete.</summary>
public sealed class OllamaModelManagementTests
{
    [Fact]
    public async Task PullThenDelete_FromLoopbackUrl_StreamsProgressServesModelAndRemovesIt()
    {
        using var home = new TempDir();
        var gguf = home.File("source.gguf");
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), gguf);
        await using var files = await LoopbackFileServer.StartAsync();
        files.Add("tiny-stories.gguf", File.ReadAllBytes(gguf));
        var options = TestNodes.Options(home);
        await using var node = await TestNodes.StartAsync(options with { Local = options.Local with { Threads = 1 } });
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var url = new Uri(files.BaseAddress, "f/tiny-stories.gguf").ToString();

        using var pull = await http.PostAsync("api/pull", LocalChatTests.Json($$"""{"model":"{{url}}"}"""));
        var lines = (await pull.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var tags = await http.GetStringAsync("api/tags");
        using var generate = await http.PostAsync("api/generate", LocalChatTests.Json(
            """{"model":"tiny-stories","prompt":"Once upon a time","raw":true,"options":{"num_predict":6,"temperature":0}}"""));
        var generated = (await generate.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var delete = await http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "api/delete") { Content = LocalChatTests.Json("""{"model":"tiny-stories"}""") });
        var tagsAfter = await http.GetStringAsync("api/tags");

        Assert.Equal("application/x-ndjson", pull.Content.Headers.ContentType?.MediaType);
        Assert.Equal("pulling manifest", lines[0].GetProperty("status").GetString());
        var downloading = lines.Where(l => l.TryGetProperty("completed", out _)).ToList();
        Assert.NotEmpty(downloading);
        Assert.Equal(new FileInfo(gguf).Length, downloading[^1].GetProperty("completed").GetInt64());
        Assert.Equal("success", lines[^1].GetProperty("status").GetString());
        Assert.Contains("\"tiny-stories\"", tags, StringComparison.Ordinal);
        Assert.True(generated.Length >= 2, "streamed generate writes one line per token and a done line");
        Assert.True(JsonDocument.Parse(generated[^1]).RootElement.GetProperty("done").GetBoolean());
        Assert.StartsWith(",", string.Concat(generated[..^1].Select(l => JsonDocument.Parse(l).RootElement.GetProperty("response").GetString())));
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.DoesNotContain("\"tiny-stories\"", tagsAfter, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(home.Path, "models", "tiny-stories.gguf")));
    }

    [Fact]
    public async Task Pull_NotAGgufFile_StreamsErrorLineAndInstallsNothing()
    {
        using var home = new TempDir();
        await using var files = await LoopbackFileServer.StartAsync();
        files.Add("notes.gguf", Encoding.UTF8.GetBytes("these are not weights"));
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home));
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        using var pull = await http.PostAsync("api/pull", LocalChatTests.Json($$"""{"model":"{{new Uri(files.BaseAddress, "f/notes.gguf")}}"}"""));
        var last = JsonDocument.Parse((await pull.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;

        Assert.Contains("GGUF", last.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(home.Path, "models", "notes.gguf")));
    }

    [Fact]
    public async Task KeepAlive_LoadWithDurationThenUnloadWithZero_PsFollows()
    {
        using var home = new TempDir();
        var models = Path.Combine(home.Path, "models");
        Directory.CreateDirectory(models);
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), Path.Combine(models, "stories260K.gguf"));
        var options = TestNodes.Options(home);
        await using var node = await TestNodes.StartAsync(options with { Local = options.Local with { Threads = 1, KeepAliveSeconds = 300 } });
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        using var load = await http.PostAsync("api/generate", LocalChatTests.Json("""{"model":"stories260K","keep_alive":"2h"}"""));
        var loaded = JsonDocument.Parse(await load.Content.ReadAsStringAsync()).RootElement;
        var psLoaded = JsonDocument.Parse(await http.GetStringAsync("api/ps")).RootElement.GetProperty("models");
        using var chat = await http.PostAsync("api/chat", LocalChatTests.Json(
            """{"model":"stories260K","messages":[{"role":"user","content":"Hi"}],"stream":false,"keep_alive":0,"options":{"num_predict":3}}"""));
        var psAfterChat = JsonDocument.Parse(await http.GetStringAsync("api/ps")).RootElement.GetProperty("models");
        using var bad = await http.PostAsync("api/generate", LocalChatTests.Json("""{"model":"stories260K","prompt":"Hi","keep_alive":"soon"}"""));
        var badBody = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("load", loaded.GetProperty("done_reason").GetString());
        var entry = Assert.Single(psLoaded.EnumerateArray());
        var expires = DateTimeOffset.Parse(entry.GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(110), TimeSpan.FromMinutes(121));   // the request's 2h, not the node's 5 min
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Empty(psAfterChat.EnumerateArray());   // keep_alive 0: unloaded when the request ended
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("keep_alive", badBody.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeepAlive_EmptyPromptWithZero_UnloadsLoadedModel()
    {
        using var home = new TempDir();
        var models = Path.Combine(home.Path, "models");
        Directory.CreateDirectory(models);
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), Path.Combine(models, "stories260K.gguf"));
        var options = TestNodes.Options(home);
        await using var node = await TestNodes.StartAsync(options with { Local = options.Local with { Threads = 1 } });
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var generate = await http.PostAsync("api/generate", LocalChatTests.Json("""{"model":"stories260K","prompt":"Hi","stream":false,"options":{"num_predict":2}}"""));
        var before = JsonDocument.Parse(await http.GetStringAsync("api/ps")).RootElement.GetProperty("models").GetArrayLength();

        using var unload = await http.PostAsync("api/generate", LocalChatTests.Json("""{"model":"stories260K","keep_alive":0}"""));
        var reply = JsonDocument.Parse(await unload.Content.ReadAsStringAsync()).RootElement;
        var after = JsonDocument.Parse(await http.GetStringAsync("api/ps")).RootElement.GetProperty("models").GetArrayLength();

        Assert.Equal(1, before);
        Assert.Equal("unload", reply.GetProperty("done_reason").GetString());
        Assert.Equal(0, after);
    }
}

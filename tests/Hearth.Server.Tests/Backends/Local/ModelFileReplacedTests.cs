using System.Net;
using System.Text.Json;
using Hearth.Inference.Import;
using Hearth.Server.Tests.OpenAi;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;

namespace Hearth.Server.Tests.Backends.Local;

/// <summary>A loaded model whose file is replaced by a rename (what <c>hearth pull --force</c> does) on a real node.</summary>
public sealed class ModelFileReplacedTests
{
    private static async Task<(HttpStatusCode Status, int Dimensions, string Body)> EmbedAsync(HttpClient http)
    {
        using var response = await http.PostAsync("v1/embeddings", LocalChatTests.Json("""{"model":"m","input":"a cat"}"""));
        var body = await response.Content.ReadAsStringAsync();
        var dims = response.IsSuccessStatusCode
            ? JsonDocument.Parse(body).RootElement.GetProperty("data")[0].GetProperty("embedding").GetArrayLength()
            : 0;
        return (response.StatusCode, dims, body);
    }

    [Fact]
    public async Task Request_AfterLoadedFileRenamedOver_ServesNewFileWithoutError()
    {
        using var home = new TempDir();
        var models = Path.Combine(home.Path, "models");
        Directory.CreateDirectory(models);
        var path = Path.Combine(models, "m.gguf");
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), path);
        var options = TestNodes.Options(home);
        await using var node = await TestNodes.StartAsync(options with { Local = options.Local with { Threads = 1, KeepAliveSeconds = 600 } });
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var before = await EmbedAsync(http);

        // A different model (embedding length 8, not 64) renamed over the loaded one, as a pull does.
        var staged = Path.Combine(models, ".m.gguf.new");
        File.Copy(TestData.File("models/gguf/llama-2-tiny-random.gguf"), staged);
        File.Move(staged, path, overwrite: true);
        var after = await EmbedAsync(http);
        using var chat = await http.PostAsync("v1/chat/completions", LocalChatTests.Json(
            """{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":2}"""));

        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Equal(64, before.Dimensions);
        Assert.True(after.Status == HttpStatusCode.OK, after.Body);
        Assert.Equal(8, after.Dimensions);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Single(node.Backends.Local!.Loaded());
    }
}

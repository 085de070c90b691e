using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.Server.Tests.OpenAi;
using Hearth.Server.Tests.Support;

namespace Hearth.Server.Tests.Ollama;

/// <summary>Raw HTTP in the shapes Ollama's clients send and expect.</summary>
[Collection(LocalNodeCollection.Name)]
public sealed class OllamaApiTests(LocalNodeFixture fixture)
{
    [Fact]
    public async Task Chat_DefaultStreaming_WritesNdjsonEndingWithDoneAndCounts()
    {
        using var response = await fixture.Http.PostAsync("api/chat", LocalChatTests.Json(
            """{"model":"stories260K","messages":[{"role":"user","content":"Hello"}],"options":{"num_predict":6,"temperature":0}}"""));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.True(lines.Length >= 2);
        var text = new StringBuilder();
        for (var i = 0; i < lines.Length - 1; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            Assert.False(line.RootElement.GetProperty("done").GetBoolean());
            Assert.Equal("assistant", line.RootElement.GetProperty("message").GetProperty("role").GetString());
            text.Append(line.RootElement.GetProperty("message").GetProperty("content").GetString());
        }
        using var last = JsonDocument.Parse(lines[^1]);
        Assert.True(last.RootElement.GetProperty("done").GetBoolean());
        Assert.Equal(6, last.RootElement.GetProperty("eval_count").GetInt32());
        Assert.True(last.RootElement.GetProperty("prompt_eval_count").GetInt32() > 0);
        Assert.True(last.RootElement.GetProperty("total_duration").GetInt64() > 0);
        Assert.True(text.Length > 0);
    }

    [Fact]
    public async Task Generate_NotStreamedRaw_ReturnsReferenceStoryStart()
    {
        using var response = await fixture.Http.PostAsync("api/generate", LocalChatTests.Json(
            """{"model":"stories260K","prompt":"Once upon a time","raw":true,"stream":false,"options":{"num_predict":8,"temperature":0}}"""));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(doc.RootElement.GetProperty("done").GetBoolean());
        Assert.StartsWith(", there was a little girl", doc.RootElement.GetProperty("response").GetString());
    }

    [Fact]
    public async Task TagsAndShow_LocalModel_DescribeGgufFacts()
    {
        using var tags = JsonDocument.Parse(await fixture.Http.GetStringAsync("api/tags"));
        var entry = tags.RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "stories260K");
        using var showResponse = await fixture.Http.PostAsync("api/show", LocalChatTests.Json("""{"model":"stories260K"}"""));
        using var show = JsonDocument.Parse(await showResponse.Content.ReadAsStringAsync());

        Assert.Equal("gguf", entry.GetProperty("details").GetProperty("format").GetString());
        Assert.Equal("llama", entry.GetProperty("details").GetProperty("family").GetString());
        Assert.Equal(64, entry.GetProperty("digest").GetString()!.Length);
        Assert.True(entry.GetProperty("size").GetInt64() > 1_000_000);
        Assert.Equal("llama", show.RootElement.GetProperty("model_info").GetProperty("general.architecture").GetString());
        Assert.Contains("completion", show.RootElement.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Ps_AfterGeneration_ListsLoadedModelWithExpiry()
    {
        using var warm = await fixture.Http.PostAsync("api/generate", LocalChatTests.Json("""{"model":"stories260K","prompt":"Hi","stream":false,"options":{"num_predict":1}}"""));
        using var ps = JsonDocument.Parse(await fixture.Http.GetStringAsync("api/ps"));

        var model = ps.RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "stories260K");
        Assert.True(DateTimeOffset.Parse(model.GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Embed_TwoInputs_ReturnsTwoVectors()
    {
        using var response = await fixture.Http.PostAsync("api/embed", LocalChatTests.Json("""{"model":"stories260K","input":["a cat","a dog"]}"""));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var embeddings = doc.RootElement.GetProperty("embeddings");
        Assert.Equal(2, embeddings.GetArrayLength());
        Assert.Equal(64, embeddings[0].GetArrayLength());
    }

    [Fact]
    public async Task Version_ReturnsVersionString()
    {
        using var doc = JsonDocument.Parse(await fixture.Http.GetStringAsync("api/version"));

        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task ChatAndDelete_UnknownModel_Return404WithOllamaErrorShape()
    {
        using var chat = await fixture.Http.PostAsync("api/chat", LocalChatTests.Json("""{"model":"llama3:8b","messages":[{"role":"user","content":"hi"}]}"""));
        using var delete = await fixture.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "api/delete") { Content = LocalChatTests.Json("""{"model":"nope"}""") });
        using var chatError = JsonDocument.Parse(await chat.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, chat.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal(JsonValueKind.String, chatError.RootElement.GetProperty("error").ValueKind);
        Assert.Contains("stories260K", chatError.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_UpstreamModelThroughOllamaApi_ReturnsUpstreamText()
    {
        using var response = await fixture.Http.PostAsync("api/chat", LocalChatTests.Json(
            """{"model":"fixed-model","messages":[{"role":"user","content":"Hello"}],"stream":false}"""));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(Hearth.Benchmarks.Gateway.FixedResponseUpstream.ReplyText, doc.RootElement.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(7, doc.RootElement.GetProperty("eval_count").GetInt32());
    }
}

using System.Text;
using System.Text.Json;
using Hearth.Inference.Engine;
using Hearth.Inference.Import;
using Hearth.Server.Tests.OpenAi;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Tests.Backends.Local;

/// <summary>
/// Log-probabilities on the tool-calling path, seen through the HTTP API, name each token's own text, not the text a step
/// released (the raw-prompt twin over the engine's chat client is in the engine's tests, <c>LocalChatClientPromptTests</c>). A stop string whose start the model writes makes the engine hold text back over several steps
/// and release it at once, so released text and token text differ there.
/// </summary>
public sealed class EngineLogprobTextTests : IDisposable
{
    private readonly TempDir _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task ChatWithToolsAndLogprobs_StopPrefixHeldBack_ReportsEachTokensOwnText()
    {
        var models = Path.Combine(_home.Path, "models");
        Directory.CreateDirectory(models);
        var path = Path.Combine(models, "stories-tools.gguf");
        LocalToolCallingTests.WithTemplate(PlainModel(), File.ReadAllText(TestData.File("chat-templates/Qwen-Qwen2.5-7B-Instruct.jinja")), path);
        var options = TestNodes.Options(_home);
        await using var node = await TestNodes.StartAsync(options with { Local = options.Local with { Threads = 1, ContextLength = 2048 } });
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        const string Request = """
            "model":"stories-tools","messages":[{"role":"user","content":"What is the weather in Oslo?"}],"max_tokens":16,"temperature":0,"logprobs":true,
            "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]
            """;

        using var first = await http.PostAsync("v1/chat/completions", LocalChatTests.Json("{" + Request + "}"));
        using var firstBody = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        Assert.True(first.IsSuccessStatusCode, firstBody.RootElement.ToString());
        var content = firstBody.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        Assert.True(content.Length >= 12, $"the story model should write some text: '{content}'");
        var stop = JsonSerializer.Serialize(StopThatHoldsBack(content));
        using var second = await http.PostAsync("v1/chat/completions", LocalChatTests.Json("{" + Request + ",\"stop\":[" + stop + "]}"));
        using var secondBody = JsonDocument.Parse(await second.Content.ReadAsStringAsync());

        Assert.True(second.IsSuccessStatusCode, secondBody.RootElement.ToString());
        var choice = secondBody.RootElement.GetProperty("choices")[0];
        Assert.Equal(content, choice.GetProperty("message").GetProperty("content").GetString());
        var tokens = choice.GetProperty("logprobs").GetProperty("content").EnumerateArray().Select(t => t.GetProperty("token").GetString()!).ToList();
        Assert.Equal(secondBody.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), tokens.Count);
        var vocabulary = Vocabulary(path);
        Assert.All(tokens, token => Assert.Contains(token, vocabulary));
    }

    /// <summary>The first 12 chars of the expected output plus a char the model never writes: held back, then released at once.</summary>
    private static string StopThatHoldsBack(string output) => output[..Math.Min(12, output.Length)] + "\u0007";

    private string PlainModel()
    {
        var path = _home.File("plain.gguf");
        if (!File.Exists(path))
        {
            Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), path);
        }
        return path;
    }

    private static HashSet<string> Vocabulary(string ggufPath)
    {
        using var model = LoadedModel.Load(ggufPath, new EngineOptions { Threads = 1, ContextLength = 64 });
        var tokenizer = model.Tokenizer;
        return [.. Enumerable.Range(0, tokenizer.VocabularySize).Select(id => Encoding.UTF8.GetString(tokenizer.TokenBytes(id)))];
    }
}

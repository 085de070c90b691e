using System.Text.Json;
using Hearth.Inference.Gguf;
using Hearth.Inference.Import;
using Hearth.Server.Tests.OpenAi;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;

namespace Hearth.Server.Tests.Backends.Local;

/// <summary>
/// Tools on a local model whose GGUF carries a tool-capable chat template (stories260K with Qwen 2.5's template): the tools are
/// rendered into the prompt through the template and the output goes through the tool-call parser.
/// </summary>
public sealed class LocalToolCallingTests
{
    [Fact]
    public async Task ChatWithTools_QwenTemplateModel_RendersToolsIntoPromptAndAnswers()
    {
        using var home = new TempDir();
        var models = Path.Combine(home.Path, "models");
        Directory.CreateDirectory(models);
        var plain = home.File("plain.gguf");
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), plain);
        WithTemplate(plain, File.ReadAllText(TestData.File("chat-templates/Qwen-Qwen2.5-7B-Instruct.jinja")), Path.Combine(models, "stories-qwen.gguf"));
        // The tool prompt of Qwen's template is longer than stories260K's 512-token training context; widen the window.
        var options = TestNodes.Options(home);
        await using var node = await TestNodes.StartAsync(options with { Local = options.Local with { Threads = 1, ContextLength = 2048 } });
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Oslo?\"}]";
        const string Tools = """
            "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]
            """;

        using var withTools = await http.PostAsync("v1/chat/completions", LocalChatTests.Json($$"""{"model":"stories-qwen",{{Messages}},{{Tools}},"max_tokens":8,"temperature":0}"""));
        using var without = await http.PostAsync("v1/chat/completions", LocalChatTests.Json($$"""{"model":"stories-qwen",{{Messages}},"max_tokens":8,"temperature":0}"""));
        using var a = JsonDocument.Parse(await withTools.Content.ReadAsStringAsync());
        using var b = JsonDocument.Parse(await without.Content.ReadAsStringAsync());

        Assert.True(withTools.IsSuccessStatusCode, a.RootElement.ToString());
        var promptWith = a.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        var promptWithout = b.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        Assert.True(promptWith > promptWithout + 20, $"tools should be rendered into the prompt: {promptWith} vs {promptWithout} tokens");
        // A story model does not call tools: its text comes back as content.
        Assert.Equal(JsonValueKind.String, a.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").ValueKind);
    }

    private static void WithTemplate(string source, string template, string destination)
    {
        using var file = GgufFile.Open(source);
        var writer = new GgufWriter();
        foreach (var entry in file.Metadata)
        {
            if (entry.Key != GgufNames.ChatTemplate)
            {
                writer.Add(entry.Key, entry.Value);
            }
        }
        writer.Add(GgufNames.ChatTemplate, template);
        foreach (var t in file.Tensors)
        {
            writer.AddTensor(t.Name, t.Type, t.Dimensions, file.GetTensorBytes(t).ToArray());
        }
        writer.WriteTo(destination);
    }
}

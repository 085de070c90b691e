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

    [Theory]
    [InlineData("Qwen-Qwen2.5-7B-Instruct.jinja", """{"type":"function","function":{"name":"get_weather"}}""")]
    [InlineData("Qwen-Qwen2.5-7B-Instruct.jinja", "\"required\"")]
    [InlineData("meta-llama-Llama-3.1-8B-Instruct.jinja", """{"type":"function","function":{"name":"get_weather"}}""")]
    public async Task ChatWithRequiredToolChoice_StoryModel_ReturnsWellFormedCallOfThatFunction(string templateFile, string toolChoice)
    {
        await using var setup = await ToolNode.StartAsync(templateFile);

        using var response = await setup.Http.PostAsync("v1/chat/completions", LocalChatTests.Json(
            $$"""{"model":"stories-tools",{{Messages}},{{Tools}},"tool_choice":{{toolChoice}},"max_tokens":40,"temperature":0}"""));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.True(response.IsSuccessStatusCode, doc.RootElement.ToString());
        var choice = doc.RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = Assert.Single(choice.GetProperty("message").GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        using var arguments = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!);
        Assert.Equal(JsonValueKind.Object, arguments.RootElement.ValueKind);
    }

    [Fact]
    public async Task ChatWithRequiredToolChoice_OpenAiSdk_GetsToolCallUpdate()
    {
        await using var setup = await ToolNode.StartAsync("Qwen-Qwen2.5-7B-Instruct.jinja");
        var client = new OpenAI.Chat.ChatClient("stories-tools", new System.ClientModel.ApiKeyCredential("unused"),
            new OpenAI.OpenAIClientOptions { Endpoint = new Uri(setup.Node.BaseAddress, "v1") });
        var tool = OpenAI.Chat.ChatTool.CreateFunctionTool("get_weather", "Current weather for a city",
            BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new OpenAI.Chat.ChatCompletionOptions
        {
            Tools = { tool }, ToolChoice = OpenAI.Chat.ChatToolChoice.CreateFunctionChoice("get_weather"), MaxOutputTokenCount = 40, Temperature = 0,
        };

        var completion = (await client.CompleteChatAsync([new OpenAI.Chat.UserChatMessage("What is the weather in Oslo?")], options)).Value;

        Assert.Equal(OpenAI.Chat.ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        using var arguments = JsonDocument.Parse(call.FunctionArguments.ToString());
        Assert.Equal(JsonValueKind.Object, arguments.RootElement.ValueKind);
    }

    [Fact]
    public async Task ChatWithToolChoiceNamingUnknownFunction_Returns400NamingToolChoice()
    {
        await using var setup = await ToolNode.StartAsync("Qwen-Qwen2.5-7B-Instruct.jinja");

        using var response = await setup.Http.PostAsync("v1/chat/completions", LocalChatTests.Json(
            $$$"""{"model":"stories-tools",{{{Messages}}},{{{Tools}}},"tool_choice":{"type":"function","function":{"name":"launch_rocket"}},"max_tokens":8}"""));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("tool_choice", doc.RootElement.GetProperty("error").GetProperty("param").GetString());
        Assert.Contains("launch_rocket", doc.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Oslo?\"}]";
    private const string Tools = """
        "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]
        """;

    /// <summary>A node serving stories260K with a tool-capable chat template as <c>stories-tools</c>.</summary>
    private sealed class ToolNode : IAsyncDisposable
    {
        private readonly TempDir _home;

        private ToolNode(TempDir home, Hearth.Server.Hosting.HearthNode node)
        {
            _home = home;
            Node = node;
            Http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        }

        public Hearth.Server.Hosting.HearthNode Node { get; }
        public HttpClient Http { get; }

        public static async Task<ToolNode> StartAsync(string templateFile)
        {
            var home = new TempDir();
            var models = Path.Combine(home.Path, "models");
            Directory.CreateDirectory(models);
            var plain = home.File("plain.gguf");
            Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), plain);
            WithTemplate(plain, File.ReadAllText(TestData.File("chat-templates/" + templateFile)), Path.Combine(models, "stories-tools.gguf"));
            var options = TestNodes.Options(home);
            var node = await TestNodes.StartAsync(options with { Local = options.Local with { Threads = 1, ContextLength = 2048 } });
            return new ToolNode(home, node);
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Node.DisposeAsync();
            _home.Dispose();
        }
    }

    internal static void WithTemplate(string source, string template, string destination)
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

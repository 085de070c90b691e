using System.Text.Json;
using Hearth.Contracts;
using Hearth.Inference.Engine;
using Hearth.Inference.Gguf;
using Hearth.Inference.Import;
using Hearth.TestSupport;
using Microsoft.Extensions.AI;

namespace Hearth.Inference.Tests.Engine;

/// <summary>
/// Tool calling in the engine's own chat client, over the real stories260K weights with a tool-capable chat template written
/// into the GGUF: tools are rendered through the template, <c>tool_choice</c> forces a well-formed call, the call carries its
/// raw arguments and position, and what a request gets wrong comes back as a typed request error.
/// </summary>
public sealed class LocalChatClientToolTests : IDisposable
{
    private readonly TempDir _dir = new("hearth-tools-");

    public void Dispose() => _dir.Dispose();

    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "What is the weather in Oslo?")];

    private static AIFunctionDeclaration Weather() => AIFunctionFactory.CreateDeclaration("get_weather", "Current weather for a city",
        JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement);

    private string Plain()
    {
        var path = _dir.File("plain.gguf");
        if (!File.Exists(path))
        {
            Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), path);
        }
        return path;
    }

    /// <summary>stories260K with the named chat template; the tool prompt outgrows its 512-token training context, so 2048.</summary>
    private LoadedModel WithTemplate(string templateFile)
    {
        var destination = _dir.File(Path.GetFileNameWithoutExtension(templateFile) + ".gguf");
        using (var file = GgufFile.Open(Plain()))
        {
            var writer = new GgufWriter();
            foreach (var entry in file.Metadata)
            {
                if (entry.Key != GgufNames.ChatTemplate)
                {
                    writer.Add(entry.Key, entry.Value);
                }
            }
            writer.Add(GgufNames.ChatTemplate, File.ReadAllText(TestData.File("chat-templates/" + templateFile)));
            foreach (var t in file.Tensors)
            {
                writer.AddTensor(t.Name, t.Type, t.Dimensions, file.GetTensorBytes(t).ToArray());
            }
            writer.WriteTo(destination);
        }
        return LoadedModel.Load(destination, new EngineOptions { Threads = 1, ContextLength = 2048 });
    }

    [Theory]
    [InlineData("Qwen-Qwen2.5-7B-Instruct.jinja")]
    [InlineData("meta-llama-Llama-3.1-8B-Instruct.jinja")]
    public async Task GetResponseAsync_RequiredNamedTool_ReturnsWellFormedCallWithRawArgumentsAndIndex(string templateFile)
    {
        using var model = WithTemplate(templateFile);
        using var client = new LocalChatClient(model);
        var options = new ChatOptions { Tools = [Weather()], ToolMode = ChatToolMode.RequireSpecific("get_weather"), MaxOutputTokens = 40, Temperature = 0 };

        var response = await client.GetResponseAsync(s_question, options);

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.StartsWith("call_", call.CallId, StringComparison.Ordinal);
        var wire = call.GetToolCallWire();
        Assert.NotNull(wire);
        Assert.Equal(0, wire.Index);
        using var arguments = JsonDocument.Parse(wire.RawArguments!);
        Assert.Equal(JsonValueKind.Object, arguments.RootElement.ValueKind);
        Assert.Equal(arguments.RootElement.EnumerateObject().Select(p => p.Name), call.Arguments!.Keys);
        Assert.True(response.Usage!.OutputTokenCount > 0);
    }

    [Fact]
    public async Task GetResponseAsync_ToolsWithLogProbs_ReportsOneLogProbPerGeneratedToken()
    {
        using var model = WithTemplate("Qwen-Qwen2.5-7B-Instruct.jinja");
        using var client = new LocalChatClient(model);
        var options = new ChatOptions { Tools = [Weather()], MaxOutputTokens = 12, Temperature = 0 };
        options.SetLogProbsRequest(new LogProbsRequest(2));

        var response = await client.GetResponseAsync(s_question, options);

        var logProbs = response.GetTokenLogProbs();
        Assert.NotNull(logProbs);
        Assert.Equal(response.Usage!.OutputTokenCount, logProbs.Count);
        Assert.All(logProbs, t => Assert.Equal(2, t.TopAlternatives.Count));
    }

    [Fact]
    public async Task GetResponseAsync_ToolsAdded_RendersThemIntoThePrompt()
    {
        using var model = WithTemplate("Qwen-Qwen2.5-7B-Instruct.jinja");
        using var client = new LocalChatClient(model);

        var with = await client.GetResponseAsync(s_question, new ChatOptions { Tools = [Weather()], MaxOutputTokens = 4, Temperature = 0 });
        var without = await client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 4, Temperature = 0 });

        Assert.True(with.Usage!.InputTokenCount > without.Usage!.InputTokenCount + 20, $"{with.Usage.InputTokenCount} vs {without.Usage.InputTokenCount} prompt tokens");
    }

    [Fact]
    public async Task GetResponseAsync_ToolChoiceNamesUnknownFunction_ThrowsInvalidParameterNamingToolChoice()
    {
        using var model = WithTemplate("Qwen-Qwen2.5-7B-Instruct.jinja");
        using var client = new LocalChatClient(model);
        var options = new ChatOptions { Tools = [Weather()], ToolMode = ChatToolMode.RequireSpecific("launch_rocket"), MaxOutputTokens = 4 };

        var e = await Assert.ThrowsAsync<HearthRequestException>(() => client.GetResponseAsync(s_question, options));

        Assert.Equal(RequestErrorKind.InvalidRequest, e.Kind);
        Assert.Equal("tool_choice", e.Param);
        Assert.Contains("launch_rocket", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolsOnModelWithoutToolSyntax_ThrowsToolsUnsupported()
    {
        using var model = LoadedModel.Load(Plain(), new EngineOptions { Threads = 1 });
        using var client = new LocalChatClient(model);
        var options = new ChatOptions { Tools = [Weather()], MaxOutputTokens = 4 };

        var e = await Assert.ThrowsAsync<HearthRequestException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(s_question, options))
            {
            }
        });

        Assert.Equal((RequestErrorKind.InvalidRequest, "tools", "tools_unsupported"), (e.Kind, e.Param, e.Code));
    }

    [Fact]
    public async Task GetResponseAsync_ToolModeNone_AnswersAsPlainChat()
    {
        using var model = LoadedModel.Load(Plain(), new EngineOptions { Threads = 1 });
        using var client = new LocalChatClient(model);

        var response = await client.GetResponseAsync(s_question, new ChatOptions { Tools = [Weather()], ToolMode = ChatToolMode.None, MaxOutputTokens = 4, Temperature = 0 });

        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.NotEqual(ChatFinishReason.ToolCalls, response.FinishReason);
    }
}

using Hearth.Contracts;
using Hearth.Inference.Engine;
using Hearth.Inference.Tests.Models;
using Hearth.TestSupport;
using Microsoft.Extensions.AI;

namespace Hearth.Inference.Tests.Engine;

public sealed class LocalChatClientTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private LoadedModel Load(string? template)
    {
        var path = _dir.File(Guid.NewGuid().ToString("N") + ".gguf");
        new TinyModel { Architecture = "llama", ChatTemplate = template }.WriteTo(path);
        return LoadedModel.Load(path, new EngineOptions { Threads = 1 });
    }

    [Fact]
    public async Task GetResponseAsync_CancelledDuringTemplateRender_StopsRendering()
    {
        // The quadratic template with every work budget lifted would render for hours: only the request's token can stop it.
        var path = _dir.File("hostile.gguf");
        new TinyModel { Architecture = "llama", ChatTemplate = Templates.TemplateBudgetTests.QuadraticGrowth }.WriteTo(path);
        var lifted = Inference.Templates.TemplateLimits.Default with
        {
            MaxBuiltChars = long.MaxValue, MaxSteps = long.MaxValue, MaxRenderTime = TimeSpan.MaxValue,
        };
        using var model = LoadedModel.Load(path, new EngineOptions { Threads = 1, ChatTemplateLimits = lifted });
        using var client = new LocalChatClient(model);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var render = Task.Run(() => client.GetResponseAsync(s_messages, new ChatOptions { MaxOutputTokens = 1 }, cts.Token));

        // Generous bound (shared 2-core machine): it only turns "the token is ignored" into a failure instead of a hang.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => render.WaitAsync(TimeSpan.FromMinutes(2)));
    }

    private static readonly ChatMessage[] s_messages = [new(ChatRole.System, "be brief"), new(ChatRole.User, "the cat sat")];

    [Fact]
    public async Task GetResponseAsync_NoTemplate_UsesChatMlAndReportsUsage()
    {
        using var model = Load(null);
        using var client = new LocalChatClient(model);
        var options = new ChatOptions { Temperature = 0f, MaxOutputTokens = 6 };
        options.SetLogProbsRequest(new LogProbsRequest());
        var response = await client.GetResponseAsync(s_messages, options);
        var expectedPrompt = model.Tokenizer.Encode(
            "<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\nthe cat sat<|im_end|>\n<|im_start|>assistant\n", addBos: true, parseSpecialTokens: true);
        Assert.Equal(expectedPrompt.Length, response.Usage!.InputTokenCount);
        Assert.InRange(response.Usage.OutputTokenCount!.Value, 1, 6);
        Assert.NotNull(response.FinishReason);
        var logProbs = response.GetTokenLogProbs();
        Assert.NotNull(logProbs);
        Assert.Equal(response.Usage.OutputTokenCount, logProbs.Count);
    }

    [Fact]
    public async Task GetResponseAsync_ModelTemplate_RendersWithIt()
    {
        const string template = "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}";
        using var model = Load(template);
        Assert.NotNull(model.ChatTemplate);
        using var client = new LocalChatClient(model);
        var response = await client.GetResponseAsync(s_messages, new ChatOptions { Temperature = 0f, MaxOutputTokens = 3 });
        var expected = model.Tokenizer.Encode("system: be brief\nuser: the cat sat\nassistant:", addBos: true, parseSpecialTokens: true);
        Assert.Equal(expected.Length, response.Usage!.InputTokenCount);
    }

    [Fact]
    public void Build_TemplateWritesBos_BosNotDoubled()
    {
        const string template = "{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}";
        using var model = Load(template);
        var (tokens, fallback) = ChatPromptBuilder.Build(model, s_messages, null, CancellationToken.None);
        Assert.False(fallback);
        Assert.Equal(model.Tokenizer.BosTokenId, tokens[0]);
        Assert.NotEqual(model.Tokenizer.BosTokenId, tokens[1]);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_SameSeed_SameTextAsNonStreaming()
    {
        using var model = Load(null);
        using var client = new LocalChatClient(model);
        var options = new ChatOptions { Temperature = 1f, Seed = 9, MaxOutputTokens = 10, TopK = 20, TopP = 0.9f };
        var response = await client.GetResponseAsync(s_messages, options);
        var streamed = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(s_messages, options))
        {
            streamed.Add(update);
        }
        Assert.Equal(response.Text, string.Concat(streamed.Select(u => u.Text)));
        Assert.NotNull(streamed[^1].FinishReason);
        Assert.Contains(streamed[^1].Contents, c => c is UsageContent);
    }

    [Fact]
    public async Task GetResponseAsync_JsonFormat_ReturnsJsonObject()
    {
        using var model = Load(null);
        using var client = new LocalChatClient(model);
        var response = await client.GetResponseAsync(s_messages, new ChatOptions { Temperature = 1f, Seed = 4, MaxOutputTokens = 30, ResponseFormat = ChatResponseFormat.Json });
        using var doc = System.Text.Json.JsonDocument.Parse(response.Text);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, doc.RootElement.ValueKind);
    }

    [Fact]
    public void ToRequest_MapsOptions()
    {
        using var model = Load(null);
        using var client = new LocalChatClient(model);
        var options = new ChatOptions
        {
            Temperature = 0.3f, TopP = 0.8f, TopK = 7, Seed = 11, MaxOutputTokens = 9, StopSequences = ["x"],
            FrequencyPenalty = 0.5f, PresencePenalty = 0.25f,
        };
        options.SetLogProbsRequest(new LogProbsRequest(2));
        var r = client.ToRequest([1, 2], options, chatMlFallback: true);
        Assert.Equal(0.3f, r.Sampling.Temperature);
        Assert.Equal(0.8f, r.Sampling.TopP);
        Assert.Equal(7, r.Sampling.TopK);
        Assert.Equal(11UL, r.Sampling.Seed);
        Assert.Equal(9, r.MaxTokens);
        Assert.Equal(["x", "<|im_end|>"], r.StopStrings);
        Assert.Equal(0.5f, r.Sampling.FrequencyPenalty);
        Assert.Equal(0.25f, r.Sampling.PresencePenalty);
        Assert.Equal(2, r.TopLogProbs);
        Assert.Equal(OutputFormat.Text, r.Format);
    }
}

using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.Server.Tests.Support;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace Hearth.Server.Tests.OpenAi;

/// <summary>The official OpenAI SDK against a real node running stories260K with the local engine.</summary>
[Collection(LocalNodeCollection.Name)]
public sealed class LocalChatTests(LocalNodeFixture fixture)
{
    private ChatClient Chat => TestNodes.OpenAiClient(fixture.Node).GetChatClient(LocalNodeFixture.LocalModel);

    [Fact]
    public async Task CompleteChat_LocalModel_ReturnsTextLengthFinishAndUsage()
    {
        ChatCompletion completion = await Chat.CompleteChatAsync([new UserChatMessage("Tell me a story.")],
            new ChatCompletionOptions { Temperature = 0f, MaxOutputTokenCount = 12 });

        Assert.False(string.IsNullOrEmpty(completion.Content[0].Text));
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(12, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 5);
        Assert.Equal(LocalNodeFixture.LocalModel, completion.Model);
    }

    [Fact]
    public async Task CompleteChatStreaming_LocalModel_ConcatenationEqualsNonStreamedGreedyText()
    {
        var options = new ChatCompletionOptions { Temperature = 0f, MaxOutputTokenCount = 10 };
        ChatCompletion whole = await Chat.CompleteChatAsync([new UserChatMessage("Once")], options);
        var streamed = new StringBuilder();
        ChatTokenUsage? usage = null;
        await foreach (var update in Chat.CompleteChatStreamingAsync([new UserChatMessage("Once")],
            new ChatCompletionOptions { Temperature = 0f, MaxOutputTokenCount = 10 }))
        {
            foreach (var part in update.ContentUpdate) { streamed.Append(part.Text); }
            usage ??= update.Usage;
        }

        Assert.Equal(whole.Content[0].Text, streamed.ToString());
        Assert.NotNull(usage);
        Assert.Equal(10, usage!.OutputTokenCount);
    }

    [Fact]
    public async Task Completions_EmptyPromptGreedy_MatchesLlama2cReferenceText()
    {
        using var response = await fixture.Http.PostAsync("v1/completions", Json("""{"model":"stories260K","prompt":"","max_tokens":30,"temperature":0}"""));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(body);
        var text = doc.RootElement.GetProperty("choices")[0].GetProperty("text").GetString()!;
        Assert.StartsWith("Once upon a time, there was a little girl named Lily. She loved to play outside in the park", text.TrimStart());
        Assert.Equal("text_completion", doc.RootElement.GetProperty("object").GetString());
    }

    [Fact]
    public async Task CompleteChat_Logprobs_ReturnsChosenTokensWithTopAlternatives()
    {
        ChatCompletion completion = await Chat.CompleteChatAsync([new UserChatMessage("Hi")],
            new ChatCompletionOptions { Temperature = 0f, MaxOutputTokenCount = 5, IncludeLogProbabilities = true, TopLogProbabilityCount = 3 });

        Assert.Equal(5, completion.ContentTokenLogProbabilities.Count);
        foreach (var token in completion.ContentTokenLogProbabilities)
        {
            Assert.True(token.LogProbability <= 0);
            Assert.Equal(3, token.TopLogProbabilities.Count);
            // Greedy: the chosen token is the most likely alternative.
            Assert.Equal(token.TopLogProbabilities[0].LogProbability, token.LogProbability, 4);
        }
    }

    [Fact]
    public async Task CompleteChat_JsonObjectFormat_ReturnsParseableJson()
    {
        ChatCompletion completion = await Chat.CompleteChatAsync([new UserChatMessage("Give me JSON.")],
            new ChatCompletionOptions { Temperature = 0f, MaxOutputTokenCount = 60, ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat() });

        using var doc = JsonDocument.Parse(completion.Content[0].Text);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
    }

    [Fact]
    public async Task CompleteChat_ToolsOnModelWithoutToolTemplate_Returns400NamingTools()
    {
        var options = new ChatCompletionOptions();
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather for a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}""")));

        var e = await Assert.ThrowsAsync<ClientResultException>(() => Chat.CompleteChatAsync([new UserChatMessage("Weather in Oslo?")], options));

        Assert.Equal(400, e.Status);
        Assert.Contains("tools", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteChat_PromptLongerThanContext_Returns400WithTokenCounts()
    {
        var longText = string.Join(' ', Enumerable.Repeat("the little girl went to the park", 200));

        var e = await Assert.ThrowsAsync<ClientResultException>(() => Chat.CompleteChatAsync([new UserChatMessage(longText)]));

        Assert.Equal(400, e.Status);
        Assert.Contains("context_length_exceeded", e.Message, StringComparison.Ordinal);
        Assert.Contains("512 tokens", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateEmbeddings_LocalModel_ReturnsUnitVectorsOfEmbeddingLength()
    {
        var client = TestNodes.OpenAiClient(fixture.Node).GetEmbeddingClient(LocalNodeFixture.LocalModel);

        OpenAIEmbeddingCollection embeddings = await client.GenerateEmbeddingsAsync(["a cat", "a dog"]);

        Assert.Equal(2, embeddings.Count);
        foreach (var e in embeddings)
        {
            var v = e.ToFloats().ToArray();
            Assert.Equal(64, v.Length);
            Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 3);
        }
        Assert.NotEqual(embeddings[0].ToFloats().ToArray(), embeddings[1].ToFloats().ToArray());
    }

    [Fact]
    public async Task GetModels_ListsLocalFileAndUpstreamModel()
    {
        var models = TestNodes.OpenAiClient(fixture.Node).GetOpenAIModelClient();

        var list = await models.GetModelsAsync();
        var one = await models.GetModelAsync(LocalNodeFixture.LocalModel);

        var ids = list.Value.Select(m => m.Id).ToList();
        Assert.Contains(LocalNodeFixture.LocalModel, ids);
        Assert.Contains(Hearth.Benchmarks.Gateway.FixedResponseUpstream.ModelId, ids);
        Assert.Equal("hearth", one.Value.OwnedBy);
    }

    [Fact]
    public async Task StreamingRequest_ClientDisconnects_GenerationIsCancelledAndCounted()
    {
        var before = fixture.Node.Metrics.ModelRequests.Get(LocalNodeFixture.LocalModel, "local", "cancelled");
        // No draining: disposing an unfinished response must close the connection, as a client that goes away does.
        using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = fixture.Node.BaseAddress };
        using (var cts = new CancellationTokenSource())
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = Json("""{"model":"stories260K","messages":[{"role":"user","content":"Tell a long story"}],"max_tokens":2000,"stream":true}"""),
            };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            var first = await reader.ReadLineAsync(cts.Token);
            Assert.StartsWith("data: ", first);
            await cts.CancelAsync();
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (fixture.Node.Metrics.ModelRequests.Get(LocalNodeFixture.LocalModel, "local", "cancelled") == before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(before + 1, fixture.Node.Metrics.ModelRequests.Get(LocalNodeFixture.LocalModel, "local", "cancelled"));
    }

    internal static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}

using System.Text;
using Hearth.Contracts;
using Hearth.Inference.Engine;
using Hearth.Inference.Models;
using Microsoft.Extensions.AI;

namespace Hearth.Inference.Tests.Engine;

/// <summary>
/// Raw prompts, log-probabilities on request, the prompt-token report and typed errors of the engine's chat client, over the
/// real stories260K weights.
/// </summary>
public sealed class LocalChatClientPromptTests(StoriesGgufFixture stories) : IClassFixture<StoriesGgufFixture>, IDisposable
{
    private readonly LoadedModel _model = LoadedModel.Load(stories.F32, new EngineOptions { Threads = 1 });

    public void Dispose() => _model.Dispose();

    private static readonly ChatMessage[] s_story = [new(ChatRole.User, "Once upon a time")];

    private static ChatOptions Raw(string? stop = null, bool logProbs = true)
    {
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 16, StopSequences = stop is null ? null : [stop] };
        options.SetRawPrompt(true);
        if (logProbs)
        {
            options.SetLogProbsRequest(new LogProbsRequest());
        }
        return options;
    }

    /// <summary>
    /// A stop string whose start the model writes makes the engine hold text back over several steps and release it at once, so
    /// released text and token text differ there: the log-probabilities still name each token's own text.
    /// </summary>
    [Fact]
    public async Task GetResponseAsync_RawPromptWithLogProbs_StopPrefixHeldBack_ReportsEachTokensOwnText()
    {
        using var client = new LocalChatClient(_model);

        var plain = await client.GetResponseAsync(s_story, Raw());
        var held = await client.GetResponseAsync(s_story, Raw(StopThatHoldsBack(plain.Text)));

        Assert.Equal(plain.Text, held.Text);
        var logProbs = held.GetTokenLogProbs();
        Assert.NotNull(logProbs);
        Assert.Equal(held.Usage!.OutputTokenCount, logProbs.Count);
        var vocabulary = Enumerable.Range(0, _model.Tokenizer.VocabularySize).Select(id => Encoding.UTF8.GetString(_model.Tokenizer.TokenBytes(id))).ToHashSet();
        Assert.All(logProbs, t => Assert.Contains(t.Text, vocabulary));
        Assert.Equal(plain.GetTokenLogProbs()!.Select(t => t.Text), logProbs.Select(t => t.Text));
    }

    [Fact]
    public async Task GetResponseAsync_RawPrompt_TokenizesTheTextWithoutTemplate()
    {
        using var client = new LocalChatClient(_model);
        long? reported = null;
        var options = Raw(logProbs: false);
        options.SetPromptTokensObserver(n => reported = n);

        var response = await client.GetResponseAsync(s_story, options);

        var expected = _model.Tokenizer.Encode("Once upon a time", addBos: _model.Tokenizer.AddBosByDefault && _model.Tokenizer.BosTokenId >= 0).Length;
        Assert.Equal(expected, response.Usage!.InputTokenCount);
        Assert.Equal(expected, reported);
    }

    [Fact]
    public async Task GetResponseAsync_NoLogProbsRequest_ResponseAndUpdatesCarryNone()
    {
        using var client = new LocalChatClient(_model);

        var response = await client.GetResponseAsync(s_story, Raw(logProbs: false));
        await foreach (var update in client.GetStreamingResponseAsync(s_story, Raw(logProbs: false)))
        {
            Assert.Null(update.GetTokenLogProbs());
        }

        Assert.Null(response.GetTokenLogProbs());
        Assert.True(response.Usage!.OutputTokenCount > 0);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_LogProbsRequested_EachTokenUpdateCarriesItsOwn()
    {
        using var client = new LocalChatClient(_model);
        var options = Raw();
        options.SetLogProbsRequest(new LogProbsRequest(3));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(s_story, options))
        {
            updates.Add(update);
        }

        Assert.All(updates, u =>
        {
            var token = Assert.Single(u.GetTokenLogProbs()!);
            Assert.True(token.LogProb <= 0f);
            Assert.Equal(3, token.TopAlternatives.Count);
            Assert.InRange(token.TokenId, 0, _model.Tokenizer.VocabularySize - 1);
        });
    }

    [Fact]
    public async Task GetResponseAsync_MessagesFarBeyondTheContext_ThrowsContextLengthExceededBeforeTokenizing()
    {
        using var client = new LocalChatClient(_model);
        var huge = new string('a', (int)Math.Min(int.MaxValue / 2, _model.MaxPromptBytes + 1));

        var e = await Assert.ThrowsAsync<HearthRequestException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, huge)], Raw(logProbs: false)));

        Assert.Equal((RequestErrorKind.InvalidRequest, "messages", "context_length_exceeded"), (e.Kind, e.Param, e.Code));
        Assert.IsType<ContextOverflowException>(e.InnerException);
        Assert.Contains("bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_PromptJustBeyondTheContext_ThrowsContextLengthExceededWithTokenCounts()
    {
        using var client = new LocalChatClient(_model);
        var words = string.Join(' ', Enumerable.Repeat("cat", _model.Info.ContextLength + 8));

        var e = await Assert.ThrowsAsync<HearthRequestException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, words)], Raw(logProbs: false)));

        Assert.Equal((RequestErrorKind.InvalidRequest, "messages", "context_length_exceeded"), (e.Kind, e.Param, e.Code));
        Assert.Contains($"maximum context length is {_model.Info.ContextLength} tokens", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_TopAlternativesOutOfRange_ThrowsInvalidParameter()
    {
        using var client = new LocalChatClient(_model);
        var options = Raw();
        options.SetLogProbsRequest(new LogProbsRequest(21));

        var e = await Assert.ThrowsAsync<HearthRequestException>(() => client.GetResponseAsync(s_story, options));

        Assert.Equal((RequestErrorKind.InvalidRequest, "invalid_parameter"), (e.Kind, e.Code));
        Assert.DoesNotContain("(Parameter", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The first 12 chars of the expected output plus a char the model never writes: held back, then released at once.</summary>
    private static string StopThatHoldsBack(string output) => output[..Math.Min(12, output.Length)] + "\u0007";
}

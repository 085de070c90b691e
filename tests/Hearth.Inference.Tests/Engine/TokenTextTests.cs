using System.Text;
using Hearth.Contracts;
using Hearth.Inference.Engine;
using Hearth.Inference.Tests.Models;
using Hearth.TestSupport;
using Microsoft.Extensions.AI;

namespace Hearth.Inference.Tests.Engine;

public sealed class TokenTextTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly LoadedModel _model;

    public TokenTextTests()
    {
        new TinyModel { Architecture = "llama" }.WriteTo(_dir.File("m.gguf"));
        _model = LoadedModel.Load(_dir.File("m.gguf"), new EngineOptions { Threads = 1 });
    }

    public void Dispose()
    {
        _model.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void TokenText_SentencePieceWordStart_KeepsLeadingSpace()
    {
        var cat = _model.Tokenizer.FindToken("▁cat")!.Value;
        Assert.Equal(" cat", _model.TokenText(cat));
        Assert.Equal("cat", _model.Tokenizer.Decode([cat]));   // what a per-token Decode would have reported
    }

    [Fact]
    public async Task GenerateAsync_TopLogProbs_AlternativeTextIsRawTokenBytes()
    {
        var request = new GenerationRequest { PromptTokens = [1, 262, 264], Sampling = SamplingOptions.Greedy, MaxTokens = 6, TopLogProbs = 5 };
        var ids = new List<int>();
        var streamed = new StringBuilder();
        await foreach (var token in _model.GenerateAsync(request, CancellationToken.None))
        {
            ids.Add(token.TokenId);
            streamed.Append(token.Text);
            foreach (var alternative in token.TopAlternatives)
            {
                Assert.Equal(Encoding.UTF8.GetString(_model.Tokenizer.TokenBytes(alternative.TokenId)), alternative.Text);
            }
        }
        var exact = Encoding.UTF8.GetString(_model.Tokenizer.DecodeToBytes([.. ids]));
        Assert.Equal(exact, streamed.ToString());   // the stream stays exact (no token text leaks in)
    }

    [Fact]
    public async Task GetResponseAsync_LogProbs_UseRawTokenText()
    {
        using var client = new LocalChatClient(_model);
        var options = new ChatOptions { Temperature = 0f, MaxOutputTokens = 5 };
        options.SetLogProbsRequest(new LogProbsRequest());
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "the cat sat")], options);
        var logProbs = response.GetTokenLogProbs();
        Assert.NotNull(logProbs);
        Assert.NotEmpty(logProbs);
        foreach (var entry in logProbs)
        {
            Assert.Equal(_model.TokenText(entry.TokenId), entry.Text);
        }
    }
}

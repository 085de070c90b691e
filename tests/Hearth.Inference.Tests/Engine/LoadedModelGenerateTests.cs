using System.Text;
using System.Text.Json;
using Hearth.Inference.Engine;
using Hearth.Inference.Gguf;
using Hearth.Inference.Models;
using Hearth.Inference.Tests.Models;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Engine;

public sealed class LoadedModelGenerateTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly LoadedModel _model;

    public LoadedModelGenerateTests()
    {
        new TinyModel { Architecture = "llama", Context = 48 }.WriteTo(_dir.File("m.gguf"));
        _model = LoadedModel.Load(_dir.File("m.gguf"), new EngineOptions { Threads = 2 });
    }

    public void Dispose()
    {
        _model.Dispose();
        _dir.Dispose();
    }

    private static async Task<List<GeneratedToken>> Collect(IAsyncEnumerable<GeneratedToken> stream)
    {
        var list = new List<GeneratedToken>();
        await foreach (var t in stream)
        {
            list.Add(t);
        }
        return list;
    }

    private static GenerationRequest Request(SamplingOptions sampling, int maxTokens = 12) =>
        new() { PromptTokens = [1, 262, 264], Sampling = sampling, MaxTokens = maxTokens };

    [Fact]
    public async Task GenerateAsync_Greedy_FollowsArgMaxOfLogits()
    {
        var tokens = await Collect(_model.GenerateAsync(Request(SamplingOptions.Greedy), CancellationToken.None));
        var cache = _model.CreateCache(32);
        var logits = new float[TinyModel.Vocab];
        _model.ForwardUnlocked([1, 262, 264], cache, logits, default);
        foreach (var token in tokens)
        {
            var expected = Hearth.Inference.Engine.Sampling.Sampler.ArgMax(logits);
            Assert.Equal(expected, token.TokenId);
            if (token.FinishReason is null)
            {
                _model.ForwardUnlocked([token.TokenId], cache, logits, default);
            }
        }
        Assert.NotNull(tokens[^1].FinishReason);
        Assert.All(tokens[..^1], t => Assert.Null(t.FinishReason));
    }

    [Fact]
    public async Task GenerateAsync_SameSeed_SameOutput_DifferentSeed_Differs()
    {
        var sampling = new SamplingOptions { Temperature = 1.5f, Seed = 42 };
        var a = await Collect(_model.GenerateAsync(Request(sampling, 20), CancellationToken.None));
        var b = await Collect(_model.GenerateAsync(Request(sampling, 20), CancellationToken.None));
        var c = await Collect(_model.GenerateAsync(Request(sampling with { Seed = 43 }, 20), CancellationToken.None));
        Assert.Equal(a.Select(t => t.TokenId), b.Select(t => t.TokenId));
        Assert.NotEqual(a.Select(t => t.TokenId), c.Select(t => t.TokenId));
    }

    [Fact]
    public async Task GenerateAsync_MaxTokens_FinishesWithLength()
    {
        var tokens = await Collect(_model.GenerateAsync(Request(new SamplingOptions { Temperature = 1f, Seed = 1 }, 5) with { StopStrings = [] }, CancellationToken.None));
        Assert.True(tokens.Count <= 5);
        if (tokens.Count == 5 && !_model.Tokenizer.IsEndOfGeneration(tokens[^1].TokenId))
        {
            Assert.Equal(FinishReason.Length, tokens[^1].FinishReason);
        }
    }

    [Fact]
    public async Task GenerateAsync_StopString_TextEndsBeforeIt()
    {
        var sampling = new SamplingOptions { Temperature = 1.2f, Seed = 5 };
        var free = await Collect(_model.GenerateAsync(Request(sampling, 30), CancellationToken.None));
        var text = string.Concat(free.Select(t => t.Text));
        Assert.True(text.Length >= 4, $"output too short to test: '{text}'");
        var stop = text.Substring(text.Length / 2, 2);
        var stopped = await Collect(_model.GenerateAsync(Request(sampling, 30) with { StopStrings = [stop] }, CancellationToken.None));
        var stoppedText = string.Concat(stopped.Select(t => t.Text));
        Assert.Equal(text[..text.IndexOf(stop, StringComparison.Ordinal)], stoppedText);
        Assert.Equal(FinishReason.Stop, stopped[^1].FinishReason);
    }

    [Fact]
    public async Task GenerateAsync_TopLogProbs_ReportsNormalisedAlternatives()
    {
        var tokens = await Collect(_model.GenerateAsync(Request(SamplingOptions.Greedy, 4) with { TopLogProbs = 3 }, CancellationToken.None));
        foreach (var t in tokens)
        {
            Assert.Equal(3, t.TopAlternatives.Count);
            Assert.True(t.LogProbability <= 0f);
            Assert.Equal(t.TokenId, t.TopAlternatives[0].TokenId);     // greedy picks the most likely
            Assert.Equal(t.LogProbability, t.TopAlternatives[0].LogProb, 5);
            Assert.True(t.TopAlternatives[0].LogProb >= t.TopAlternatives[1].LogProb);
            Assert.True(t.TopAlternatives.Sum(a => Math.Exp(a.LogProb)) <= 1.0001);
        }
    }

    [Fact]
    public async Task GenerateAsync_PromptLongerThanContext_ThrowsContextOverflow()
    {
        var prompt = Enumerable.Repeat(262, 49).ToArray();
        var e = await Assert.ThrowsAsync<ContextOverflowException>(async () =>
            await Collect(_model.GenerateAsync(new GenerationRequest { PromptTokens = prompt }, CancellationToken.None)));
        Assert.Equal(49, e.PromptTokens);
        Assert.Equal(48, e.ContextTokens);
    }

    [Fact]
    public async Task GenerateAsync_BudgetBeyondContext_StopsAtWindowWithLength()
    {
        var prompt = Enumerable.Repeat(262, 45).ToArray();
        var tokens = await Collect(_model.GenerateAsync(new GenerationRequest { PromptTokens = prompt, MaxTokens = 100, Sampling = new SamplingOptions { Temperature = 1f, Seed = 2 } }, CancellationToken.None));
        Assert.True(tokens.Count <= 4);
    }

    [Fact]
    public async Task GenerateAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        var count = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in _model.GenerateAsync(Request(new SamplingOptions { Temperature = 1f, Seed = 3 }, 30), cts.Token))
            {
                count++;
                await cts.CancelAsync();
            }
        });
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task GenerateAsync_ConcurrentSequences_SameAsSequential()
    {
        var requests = Enumerable.Range(0, 4).Select(i => Request(new SamplingOptions { Temperature = 1f, Seed = (ulong)i }, 10)).ToArray();
        var sequential = new List<int[]>();
        foreach (var r in requests)
        {
            sequential.Add((await Collect(_model.GenerateAsync(r, CancellationToken.None))).Select(t => t.TokenId).ToArray());
        }
        var parallel = await Task.WhenAll(requests.Select(r => Task.Run(() => Collect(_model.GenerateAsync(r, CancellationToken.None)))));
        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Equal(sequential[i], parallel[i].Select(t => t.TokenId).ToArray());
        }
    }

    [Fact]
    public async Task GenerateAsync_JsonObject_OutputParses()
    {
        for (ulong seed = 0; seed < 3; seed++)
        {
            var request = Request(new SamplingOptions { Temperature = 1f, Seed = seed }, 40) with { Format = OutputFormat.JsonObject };
            var tokens = await Collect(_model.GenerateAsync(request, CancellationToken.None));
            var text = string.Concat(tokens.Select(t => t.Text));
            Assert.Equal(FinishReason.Stop, tokens[^1].FinishReason);
            using var doc = JsonDocument.Parse(text);
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        }
    }

    [Fact]
    public async Task GenerateAsync_FileTruncatedWhileLoaded_ThrowsModelFileChanged()
    {
        using var dir = new TempDir();
        var path = dir.File("t.gguf");
        new TinyModel { Architecture = "llama" }.WriteTo(path);
        using var model = LoadedModel.Load(path, new EngineOptions { Threads = 1 });
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.SetLength(stream.Length / 2);
        }
        await Assert.ThrowsAsync<ModelFileChangedException>(async () =>
            await Collect(model.GenerateAsync(Request(SamplingOptions.Greedy), CancellationToken.None)));
    }

    [Fact]
    public async Task EmbedAsync_ReturnsUnitVectorStablePerText()
    {
        var a = await _model.EmbedAsync("the cat sat", EmbeddingPooling.Mean, CancellationToken.None);
        var b = await _model.EmbedAsync("the cat sat", EmbeddingPooling.Mean, CancellationToken.None);
        var c = await _model.EmbedAsync("a b", EmbeddingPooling.Mean, CancellationToken.None);
        var last = await _model.EmbedAsync("the cat sat", EmbeddingPooling.LastToken, CancellationToken.None);
        Assert.Equal(16, a.Length);
        Assert.Equal(1.0, Math.Sqrt(a.Sum(v => (double)v * v)), 4);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, last);
    }

    [Fact]
    public void CountTokens_MatchesTokenizer()
    {
        Assert.Equal(_model.Tokenizer.Encode("the cat").Length, _model.CountTokens("the cat"));
        Assert.Equal("m", _model.Info.Id);
        Assert.Equal("llama", _model.Info.Architecture);
        Assert.Equal(GgmlType.F32, _model.Info.QuantizationType);
        Assert.Equal(64, _model.Info.FileSha256.Length);
        _ = Encoding.UTF8;
    }
}

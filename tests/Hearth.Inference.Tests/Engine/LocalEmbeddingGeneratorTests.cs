using Hearth.Contracts;
using Hearth.Inference.Engine;
using Microsoft.Extensions.AI;

namespace Hearth.Inference.Tests.Engine;

/// <summary>The engine's embedding generator over the real stories260K weights: vectors, usage, and typed refusals before any compute.</summary>
public sealed class LocalEmbeddingGeneratorTests(StoriesGgufFixture stories) : IClassFixture<StoriesGgufFixture>, IDisposable
{
    private readonly LoadedModel _model = LoadedModel.Load(stories.F32, new EngineOptions { Threads = 1 });

    public void Dispose() => _model.Dispose();

    [Fact]
    public async Task GenerateAsync_TwoInputs_UnitVectorsOfTheModelsWidthAndTheirTokens()
    {
        using var generator = new LocalEmbeddingGenerator(_model, maxTokensPerRequest: 1000);

        var result = await generator.GenerateAsync(["the cat sat", "a dog ran far away"]);

        Assert.Equal(2, result.Count);
        Assert.All(result, e =>
        {
            Assert.Equal(_model.Info.EmbeddingLength, e.Vector.Length);
            Assert.Equal(1.0, Math.Sqrt(e.Vector.Span.ToArray().Sum(x => (double)x * x)), 3);
        });
        var expected = new[] { "the cat sat", "a dog ran far away" }.Sum(t => _model.Tokenizer.Encode(t, addBos: false).Length);
        Assert.Equal(expected, result.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_OtherDimensions_ThrowsInvalidParameterNamingDimensions()
    {
        using var generator = new LocalEmbeddingGenerator(_model, maxTokensPerRequest: 1000);

        var e = await Assert.ThrowsAsync<HearthRequestException>(() =>
            generator.GenerateAsync(["hi"], new EmbeddingGenerationOptions { Dimensions = _model.Info.EmbeddingLength + 1 }));

        Assert.Equal((RequestErrorKind.InvalidRequest, "dimensions", "invalid_parameter"), (e.Kind, e.Param, e.Code));
    }

    [Fact]
    public async Task GenerateAsync_PastTheRequestTokenCap_ThrowsEmbeddingTokensExceededNamingInput()
    {
        using var generator = new LocalEmbeddingGenerator(_model, maxTokensPerRequest: 8);

        var e = await Assert.ThrowsAsync<HearthRequestException>(() =>
            generator.GenerateAsync(["the cat sat on the mat", "and the dog sat on the log"]));

        Assert.Equal((RequestErrorKind.InvalidRequest, "input", "embedding_tokens_exceeded"), (e.Kind, e.Param, e.Code));
    }

    [Fact]
    public async Task GenerateAsync_InputLongerThanTheWindow_ThrowsContextLengthExceededNamingTheInput()
    {
        using var generator = new LocalEmbeddingGenerator(_model, maxTokensPerRequest: int.MaxValue);
        var words = string.Join(' ', Enumerable.Repeat("cat", _model.Info.ContextLength + 8));

        var e = await Assert.ThrowsAsync<HearthRequestException>(() => generator.GenerateAsync(["short", words]));

        Assert.Equal((RequestErrorKind.InvalidRequest, "input", "context_length_exceeded"), (e.Kind, e.Param, e.Code));
        Assert.StartsWith("Input 1 has", e.Message, StringComparison.Ordinal);
    }
}

using Hearth.Inference.Engine;
using Hearth.Inference.Models;
using Hearth.Inference.Tests.Models;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Engine;

public sealed class FixedGenerationWorkloadTests
{
    [Fact]
    public void PromptFromText_ShortText_RepeatedToExactLengthAfterBos()
    {
        using var dir = new TempDir();
        new TinyModel { Architecture = "llama" }.WriteTo(dir.File("m.gguf"));
        using var model = LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = 1 });
        var body = model.Tokenizer.Encode("the cat sat");

        var prompt = FixedGenerationWorkload.PromptFromText(model.Tokenizer, "the cat sat", 20);

        Assert.Equal(20, prompt.Length);
        Assert.Equal(model.Tokenizer.BosTokenId, prompt[0]);
        Assert.Equal(body, prompt[1..(1 + body.Length)]);
        Assert.Equal(body[0], prompt[1 + body.Length]);
    }

    [Fact]
    public async Task RunAsync_TwoRuns_SameGreedyTokensAsGenerateAsyncUntilItsStop()
    {
        // The workload is the engine's own forward pass: greedy ids match GenerateAsync's, which may stop earlier at EOS.
        using var dir = new TempDir();
        new TinyModel { Architecture = "llama" }.WriteTo(dir.File("m.gguf"));
        using var model = LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = 1 });
        var prompt = FixedGenerationWorkload.PromptFromText(model.Tokenizer, "the cat sat", 12);
        var workload = new FixedGenerationWorkload(model, prompt, 8);

        var first = await workload.RunAsync(CancellationToken.None);
        var second = await workload.RunAsync(CancellationToken.None);
        var reference = new List<int>();
        await foreach (var token in model.GenerateAsync(new GenerationRequest { PromptTokens = prompt, MaxTokens = 8, Sampling = SamplingOptions.Greedy }, CancellationToken.None))
        {
            reference.Add(token.TokenId);
        }

        Assert.Equal(8, first.Length);
        Assert.Equal(first, second);
        Assert.NotEmpty(reference);
        Assert.Equal(reference, first[..reference.Count]);
    }

    [Fact]
    public void Constructor_MoreThanTheContext_ThrowsContextOverflow()
    {
        using var dir = new TempDir();
        new TinyModel { Architecture = "llama", Context = 16 }.WriteTo(dir.File("m.gguf"));
        using var model = LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = 1 });
        var prompt = FixedGenerationWorkload.PromptFromText(model.Tokenizer, "the cat", 12);

        Assert.Throws<ContextOverflowException>(() => new FixedGenerationWorkload(model, prompt, 8));
    }

    [Fact]
    public async Task RunAsync_Cancelled_Throws()
    {
        using var dir = new TempDir();
        new TinyModel { Architecture = "llama" }.WriteTo(dir.File("m.gguf"));
        using var model = LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = 1 });
        var workload = new FixedGenerationWorkload(model, FixedGenerationWorkload.PromptFromText(model.Tokenizer, "a b", 4), 4);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => workload.RunAsync(cts.Token));
    }
}

using Hearth.Inference.Engine;
using Hearth.Inference.Models;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Models;

public sealed class DecoderTransformerTests
{
    private static readonly int[] s_tokens = [1, 262, 263, 100, 265, 7, 270, 266, 50, 264, 270];

    [Theory]
    [InlineData("llama", false)]
    [InlineData("llama", true)]
    [InlineData("qwen2", false)]
    public void Forward_TokenByToken_MatchesReference(string architecture, bool tied)
    {
        using var dir = new TempDir();
        var tiny = new TinyModel { Architecture = architecture, Tied = tied };
        tiny.WriteTo(dir.File("m.gguf"));
        using var model = LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = 2 });
        var reference = new ReferenceTransformer(tiny);
        var cache = model.CreateCache(s_tokens.Length);
        var logits = new float[TinyModel.Vocab];
        foreach (var token in s_tokens)
        {
            model.ForwardUnlocked([token], cache, logits, default);
            var expected = reference.Step(token);
            for (var i = 0; i < logits.Length; i++)
            {
                Assert.Equal(expected[i], logits[i], 2e-3);
            }
        }
        Assert.Equal(s_tokens.Length, cache.Length);
    }

    [Theory]
    [InlineData("llama", 64)]
    [InlineData("llama", 4)]
    [InlineData("qwen2", 3)]
    public void Forward_BatchedPrefill_EqualsTokenByToken(string architecture, int batchTokens)
    {
        using var dir = new TempDir();
        new TinyModel { Architecture = architecture }.WriteTo(dir.File("m.gguf"));
        using var model = LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = 2, PrefillBatchTokens = batchTokens });
        var batched = new float[TinyModel.Vocab];
        var batchedCache = model.CreateCache(s_tokens.Length);
        model.ForwardUnlocked(s_tokens, batchedCache, batched, default);

        var stepped = new float[TinyModel.Vocab];
        var steppedCache = model.CreateCache(s_tokens.Length);
        foreach (var token in s_tokens)
        {
            model.ForwardUnlocked([token], steppedCache, stepped, default);
        }
        for (var i = 0; i < batched.Length; i++)
        {
            Assert.Equal(stepped[i], batched[i], 2e-3);
        }
    }

    [Fact]
    public void Forward_F16Cache_CloseToF32()
    {
        using var dir = new TempDir();
        new TinyModel { Architecture = "llama" }.WriteTo(dir.File("m.gguf"));
        using var f32 = LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = 1 });
        using var f16 = LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = 1, KvCacheType = KvCacheElementType.F16 });
        var a = new float[TinyModel.Vocab];
        var b = new float[TinyModel.Vocab];
        f32.ForwardUnlocked(s_tokens, f32.CreateCache(s_tokens.Length), a, default);
        f16.ForwardUnlocked(s_tokens, f16.CreateCache(s_tokens.Length), b, default);
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i], 0.05);
        }
    }
}

using Hearth.Inference.Engine;
using Hearth.Inference.Models;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Models;

public sealed class SequenceBatchTests
{
    private static readonly int[] s_prefixA = [1, 262, 263, 100];
    private static readonly int[] s_prefixB = [1, 265, 7, 270, 266, 50, 264];

    /// <summary>Runs <paramref name="prefix"/> then <paramref name="next"/> through one cache alone; returns the logits and hidden states of <paramref name="next"/>.</summary>
    private static (float[] Logits, float[] Hidden) Alone(LoadedModel model, int[] prefix, int[] next, int dim)
    {
        var cache = model.CreateCache(prefix.Length + next.Length);
        model.ForwardUnlocked(prefix, cache, default, default);
        var logits = new float[TinyModel.Vocab];
        var hidden = new float[next.Length * dim];
        model.ForwardUnlocked(next, cache, logits, hidden);
        return (logits, hidden);
    }

    [Theory]
    [InlineData("llama", 1)]
    [InlineData("llama", 2)]
    [InlineData("qwen2", 2)]
    public void Forward_TwoSequencesInOneBatch_BitIdenticalToEachAlone(string architecture, int threads)
    {
        using var dir = new TempDir();
        var tiny = new TinyModel { Architecture = architecture };
        tiny.WriteTo(dir.File("m.gguf"));
        using var model = LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = threads, MaxConcurrentSequences = 3 });
        int[] decodeA = [264];
        int[] chunkB = [262, 270, 7];
        int[] decodeC = [100];
        var (soloA, soloHiddenA) = Alone(model, s_prefixA, decodeA, tiny.Dim);
        var (soloB, soloHiddenB) = Alone(model, s_prefixB, chunkB, tiny.Dim);
        var (soloC, _) = Alone(model, [1], decodeC, tiny.Dim);

        var cacheA = model.CreateCache(s_prefixA.Length + 1);
        var cacheB = model.CreateCache(s_prefixB.Length + chunkB.Length);
        var cacheC = model.CreateCache(2);
        model.ForwardUnlocked(s_prefixA, cacheA, default, default);
        model.ForwardUnlocked(s_prefixB, cacheB, default, default);
        model.ForwardUnlocked([1], cacheC, default, default);
        var batch = new SequenceBatch(8, 3);
        var logitsA = new float[TinyModel.Vocab];
        var logitsB = new float[TinyModel.Vocab];
        var logitsC = new float[TinyModel.Vocab];
        var hiddenA = new float[tiny.Dim];
        var hiddenB = new float[chunkB.Length * tiny.Dim];
        batch.Add(cacheA, decodeA, logitsA, hiddenA);
        batch.Add(cacheB, chunkB, logitsB, hiddenB);
        batch.Add(cacheC, decodeC, logitsC);
        model.ForwardUnlocked(batch);

        Assert.Equal(soloA, logitsA);
        Assert.Equal(soloB, logitsB);
        Assert.Equal(soloC, logitsC);
        Assert.Equal(soloHiddenA, hiddenA);
        Assert.Equal(soloHiddenB, hiddenB);
        Assert.Equal(s_prefixA.Length + 1, cacheA.Length);
        Assert.Equal(s_prefixB.Length + chunkB.Length, cacheB.Length);
        Assert.Equal(2, cacheC.Length);
    }

    [Fact]
    public void Forward_SegmentWithoutLogits_LeavesItsBufferAloneAndAdvancesCache()
    {
        using var dir = new TempDir();
        new TinyModel { Architecture = "llama" }.WriteTo(dir.File("m.gguf"));
        using var model = LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = 1 });
        var cache = model.CreateCache(4);
        var batch = new SequenceBatch(4, 1);
        batch.Add(cache, [1, 262], null);
        model.ForwardUnlocked(batch);
        Assert.Equal(2, cache.Length);
    }

    [Fact]
    public void Forward_SegmentBeyondItsCache_ThrowsContextOverflowBeforeTouchingAnyCache()
    {
        using var dir = new TempDir();
        new TinyModel { Architecture = "llama" }.WriteTo(dir.File("m.gguf"));
        using var model = LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = 1, MaxConcurrentSequences = 2 });
        var roomy = model.CreateCache(8);
        var tight = model.CreateCache(1);
        var batch = new SequenceBatch(8, 2);
        batch.Add(roomy, [1], new float[TinyModel.Vocab]);
        batch.Add(tight, [1, 262], new float[TinyModel.Vocab]);
        var e = Assert.Throws<ContextOverflowException>(() => model.ForwardUnlocked(batch));
        Assert.Equal(2, e.PromptTokens);
        Assert.Equal(0, roomy.Length);
        Assert.Equal(0, tight.Length);
    }

    [Fact]
    public void Add_SameCacheTwiceOrTooManyTokens_Throws()
    {
        var cache = new KvCache(1, 8, 4, KvCacheElementType.F32);
        var batch = new SequenceBatch(3, 2);
        batch.Add(cache, [1, 2], null);
        Assert.Throws<ArgumentException>(() => batch.Add(cache, [3], null));
        Assert.Throws<ArgumentException>(() => batch.Add(new KvCache(1, 8, 4, KvCacheElementType.F32), [3, 4], null));
        Assert.Throws<ArgumentException>(() => batch.Add(new KvCache(1, 8, 4, KvCacheElementType.F32), [], null));
        batch.Clear();
        Assert.Equal(0, batch.TokenCount);
        batch.Add(cache, [1, 2, 3], null);
        Assert.Equal(3, batch.TokenCount);
    }
}

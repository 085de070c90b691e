using Hearth.Inference.Tokenizers;

namespace Hearth.Inference.Tests.Tokenizers;

public sealed class ByteLevelBpeTokenizerTests
{
    private static ITokenizer Create(string pre = "gpt-2", bool? ignoreMerges = null) =>
        TokenizerFactory.FromVocabulary(new Vocabulary(TokenizerModel.ByteLevelBpe, ["a", "b", "c", "\u0120", "ab", "abc", "\u0120a", "bc", "<|endoftext|>", "ca"])
        {
            Merges = ["a b", "ab c", "\u0120 a", "b c"],
            PreTokenizer = pre,
            IgnoreMerges = ignoreMerges,
        });

    [Fact]
    public void Encode_LowestRankMergesFirst()
    {
        var t = Create();
        // "abc" -> ab (rank 0) -> abc (rank 1); " ab" -> Ġ a b: a b (rank 0) beats Ġ a (rank 2), then Ġ+ab has no merge.
        Assert.Equal([5, 3, 4], t.Encode("abc ab"));
    }

    [Fact]
    public void Encode_IgnoreMerges_EmitsWholeVocabularyWord()
    {
        // "ca" is a vocabulary entry no merge can build.
        Assert.Equal([9], Create(ignoreMerges: true).Encode("ca"));
        Assert.Equal([2, 0], Create(ignoreMerges: false).Encode("ca"));
    }

    [Fact]
    public void Encode_ManyThreadsAtOnce_MatchesSequentialResults()
    {
        var t = Create();
        var texts = Enumerable.Range(0, 64).Select(i => string.Concat(Enumerable.Repeat(i % 2 == 0 ? "abc ab " : "ca bc a ", i + 1))).ToArray();
        var sequential = texts.Select(x => t.Encode(x)).ToArray();
        var parallel = new int[texts.Length][];
        Parallel.For(0, texts.Length, i => parallel[i] = t.Encode(texts[i]));
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
        }
    }

    [Fact]
    public void Encode_UnknownPreTokenizer_ThrowsListingSupported()
    {
        var e = Assert.Throws<NotSupportedTokenizerException>(() => Create(pre: "nonesuch"));
        Assert.Contains("nonesuch", e.Message, StringComparison.Ordinal);
        Assert.Contains("llama-bpe", e.Message, StringComparison.Ordinal);
        Assert.Contains("qwen2", e.Message, StringComparison.Ordinal);
        Assert.Equal("tokenizer.ggml.pre", e.Field);
    }

    [Fact]
    public void Create_MissingMerges_ThrowsFormatException()
    {
        var vocabulary = new Vocabulary(TokenizerModel.ByteLevelBpe, ["a"]);
        Assert.Throws<TokenizerFormatException>(() => TokenizerFactory.FromVocabulary(vocabulary));
    }

    [Fact]
    public void Decode_ByteAlphabet_MapsBackToBytes()
    {
        var t = Create();
        Assert.Equal(" abc", t.Decode([3, 5]));
        Assert.True(t.IsEndOfGeneration(8));
        Assert.Equal(TokenType.Control, t.GetTokenType(8));
    }

    [Fact]
    public void Encode_HostileLongWord_CompletesQuickly()
    {
        var t = Create();
        var text = new string('a', 200_000) + string.Concat(Enumerable.Repeat("ab", 50_000));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var ids = t.Encode(text);
        // Generous bound, not a speed bar: about 1 s with six builds sharing 2 cores; a merge loop that rescans the word
        // after each merge is quadratic in its 300 K chars (many minutes). 60 s leaves room for any shared machine.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
        Assert.Equal(text, t.Decode(ids));
    }
}

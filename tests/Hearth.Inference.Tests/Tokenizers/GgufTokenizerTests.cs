using System.Text;
using Hearth.Inference.Gguf;
using Hearth.Inference.Tokenizers;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Tokenizers;

public sealed class GgufTokenizerTests
{
    private static ITokenizer Load(string relativePath)
    {
        using var file = GgufFile.Open(TestData.File(relativePath));
        return TokenizerFactory.FromGguf(file);
    }

    [Fact]
    public void FromGguf_Llama2Vocabulary_EncodesKnownIds()
    {
        var t = Load("models/gguf/llama-2-tiny-random.gguf");
        Assert.Equal(32000, t.VocabularySize);
        Assert.True(t.AddBosByDefault);
        Assert.Equal([1, 15043, 3186], t.Encode("Hello world", addBos: true));
        Assert.Equal("Hello world", t.Decode([1, 15043, 3186]));
        Assert.True(t.IsEndOfGeneration(2));
        Assert.Equal(TokenType.Byte, t.GetTokenType(3));
    }

    [Fact]
    public void FromGguf_Gpt2InvalidUtf8_KeepsTheExactBytes()
    {
        var t = Load("tokenizers/vocab/ggml-vocab-gpt-2.gguf");
        byte[] input = [(byte)'a', 0xFF, 0xC3];
        var ids = t.EncodeUtf8(input);
        Assert.Equal(input, t.DecodeToBytes(ids));
        Assert.Equal(3, ids.Length);   // 'a', then the single-byte tokens of 0xFF and 0xC3
        Assert.True(t.IsEndOfGeneration(t.FindToken("<|endoftext|>")!.Value));
    }

    [Fact]
    public void FromGguf_UnknownModel_ThrowsListingSupported()
    {
        using var dir = new TempDir();
        var path = dir.File("bert.gguf");
        var writer = new GgufWriter();
        writer.Add(GgufNames.TokenizerModel, "bert");
        writer.Add(GgufNames.TokenizerTokens, new[] { "[PAD]", "a" });
        writer.WriteTo(path);
        using var file = GgufFile.Open(path);
        var e = Assert.Throws<NotSupportedTokenizerException>(() => TokenizerFactory.FromGguf(file));
        Assert.Contains("bert", e.Message, StringComparison.Ordinal);
        Assert.Contains("gpt2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromGguf_UnknownPreTokenizer_ThrowsListingSupported()
    {
        using var dir = new TempDir();
        var path = dir.File("pre.gguf");
        var writer = new GgufWriter();
        writer.Add(GgufNames.TokenizerModel, "gpt2");
        writer.Add(GgufNames.TokenizerPre, "brand-new");
        writer.Add(GgufNames.TokenizerTokens, new[] { "a", "b", "ab" });
        writer.Add(GgufNames.TokenizerMerges, new[] { "a b" });
        writer.WriteTo(path);
        using var file = GgufFile.Open(path);
        var e = Assert.Throws<NotSupportedTokenizerException>(() => TokenizerFactory.FromGguf(file));
        Assert.Contains("brand-new", e.Message, StringComparison.Ordinal);
        Assert.Contains("deepseek-coder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromGguf_NoTokenizer_ThrowsFormatException()
    {
        using var dir = new TempDir();
        var path = dir.File("empty.gguf");
        var writer = new GgufWriter();
        writer.Add(GgufNames.Architecture, "llama");
        writer.WriteTo(path);
        using var file = GgufFile.Open(path);
        var e = Assert.Throws<TokenizerFormatException>(() => TokenizerFactory.FromGguf(file));
        Assert.Contains(GgufNames.TokenizerModel, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_ChatMarkersInGpt2Style_RoundTripWithSpecialRendering()
    {
        var t = Load("tokenizers/vocab/ggml-vocab-gpt-2.gguf");
        var eot = t.FindToken("<|endoftext|>")!.Value;
        var ids = t.Encode("hi<|endoftext|>", parseSpecialTokens: true);
        Assert.Equal(eot, ids[^1]);
        Assert.Equal("hi", t.Decode(ids));
        Assert.Equal("hi<|endoftext|>", Encoding.UTF8.GetString(t.DecodeToBytes(ids, renderSpecialTokens: true)));
    }
}

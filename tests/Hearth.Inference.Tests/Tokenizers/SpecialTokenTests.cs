using Hearth.Inference.Gguf;
using Hearth.Inference.Tokenizers;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Tokenizers;

public sealed class SpecialTokenTests
{
    private static ITokenizer Load(string vocab)
    {
        using var file = GgufFile.Open(TestData.File($"tokenizers/vocab/ggml-vocab-{vocab}.gguf"));
        return TokenizerFactory.FromGguf(file);
    }

    [Fact]
    public void Encode_Phi3ControlToken_SwallowsFollowingWhitespace()
    {
        var t = Load("phi-3");
        var end = t.FindToken("<|end|>")!.Value;
        var spaced = t.Encode("hi<|end|>  \n there", parseSpecialTokens: true);
        Assert.Contains(end, spaced);
        Assert.Equal(t.Encode("hi<|end|>there", parseSpecialTokens: true), spaced);
        Assert.True(t.IsEndOfGeneration(end));
        Assert.True(t.IsEndOfGeneration(t.EosTokenId));
    }

    [Fact]
    public void Encode_SpmAfterSpecialToken_AddsSpacePrefixAgain()
    {
        var t = Load("llama-spm");
        var ids = t.Encode("</s>Hello", parseSpecialTokens: true);
        Assert.Equal([2, t.FindToken("\u2581Hello")!.Value], ids);
    }

    [Fact]
    public void Encode_UserDefinedWhitespaceTokens_AreMatchedWithoutSpecialParsing()
    {
        var t = Load("mpt");
        var run = new string(' ', 24);
        var id = t.FindToken(run)!.Value;
        Assert.Equal(TokenType.UserDefined, t.GetTokenType(id));
        Assert.Contains(id, t.Encode("a" + run + "b"));
        Assert.Equal("a" + run + "b", t.Decode(t.Encode("a" + run + "b")));
    }

    [Theory]
    [InlineData("llama-spm")]
    [InlineData("gpt-2")]
    [InlineData("deepseek-llm")]
    public void Encode_LoneSurrogatesAndControlCharacters_DoNotThrow(string vocab)
    {
        var t = Load(vocab);
        var ids = t.Encode("a\uD800b\uDC00\u0000\u0007\uFFFF");
        Assert.NotEmpty(ids);
        Assert.Equal("a\uFFFDb\uFFFD\u0000\u0007\uFFFF", t.Decode(ids));
    }
}

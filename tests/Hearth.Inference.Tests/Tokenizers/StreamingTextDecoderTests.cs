using Hearth.Inference.Gguf;
using Hearth.Inference.Tokenizers;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Tokenizers;

public sealed class StreamingTextDecoderTests
{
    [Fact]
    public void Append_ByteTokensOfOneCharacter_HoldsUntilComplete()
    {
        using var file = GgufFile.Open(TestData.File("tokenizers/vocab/ggml-vocab-llama-spm.gguf"));
        var t = TokenizerFactory.FromGguf(file);
        var ids = t.Encode("a\U0001F999b");
        var decoder = new StreamingTextDecoder(t);
        var pieces = ids.Select(decoder.Append).ToList();
        Assert.Contains(string.Empty, pieces);   // the emoji's first bytes are held back
        Assert.Equal(" a\U0001F999b", string.Concat(pieces) + decoder.Flush());
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD', StringComparison.Ordinal));
    }

    [Fact]
    public void Flush_IncompleteSequence_EmitsReplacementCharacter()
    {
        using var file = GgufFile.Open(TestData.File("tokenizers/vocab/ggml-vocab-llama-spm.gguf"));
        var t = TokenizerFactory.FromGguf(file);
        var decoder = new StreamingTextDecoder(t);
        var lead = t.FindToken("<0xF0>")!.Value;
        Assert.Equal(string.Empty, decoder.Append(lead));
        Assert.Equal("\uFFFD", decoder.Flush());
    }

    [Theory]
    [InlineData(new byte[] { 0x61 }, 1)]
    [InlineData(new byte[] { 0x61, 0xE2, 0x96 }, 1)]
    [InlineData(new byte[] { 0x61, 0xE2, 0x96, 0x81 }, 4)]
    [InlineData(new byte[] { 0xF0, 0x9F, 0xA6 }, 0)]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80 }, 4)]
    [InlineData(new byte[] { 0x61, 0xFF }, 2)]
    public void CompleteLength_TrailingBytes_HoldsOnlyPossiblyCompletableSequences(byte[] bytes, int expected)
    {
        Assert.Equal(expected, StreamingTextDecoder.CompleteLength(bytes));
    }
}

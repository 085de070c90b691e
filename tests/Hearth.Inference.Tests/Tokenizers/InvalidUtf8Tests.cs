using System.Text;
using Hearth.Inference.Gguf;
using Hearth.Inference.Tokenizers;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Tokenizers;

/// <summary>
/// Raw bytes that are not UTF-8 go through byte fallback in every tokenizer: decoding the ids gives back exactly the input,
/// and well-formed text around them tokenizes as it would alone.
/// </summary>
public sealed class InvalidUtf8Tests
{
    private static readonly Lazy<ITokenizer> s_gpt2 = new(() => Load("tokenizers/vocab/ggml-vocab-gpt-2.gguf"));
    private static readonly Lazy<ITokenizer> s_llama = new(() => Load("tokenizers/vocab/ggml-vocab-llama-spm.gguf"));

    private static ITokenizer Load(string relativePath)
    {
        using var file = GgufFile.Open(TestData.File(relativePath));
        return TokenizerFactory.FromGguf(file);
    }

    public static TheoryData<string, byte[]> IllFormed() => new()
    {
        { "lone continuation", [0x80] },
        { "invalid lead", [0xFF, 0xFE] },
        { "truncated at end", [(byte)'o', (byte)'k', 0xE2, 0x82] },
        { "truncated mid-text", [(byte)'a', 0xE2, 0x82, (byte)' ', (byte)'b'] },
        { "overlong NUL", [(byte)'x', 0xC0, 0x80, (byte)'y'] },
        { "overlong slash", [0xE0, 0x80, 0xAF] },
        { "surrogate", [(byte)'h', 0xED, 0xA0, 0x80, (byte)'i'] },
        { "above U+10FFFF", [0xF4, 0x90, 0x80, 0x80] },
        { "between words", [.. "Hello "u8, 0xFF, .. " world"u8] },
    };

    [Theory]
    [MemberData(nameof(IllFormed))]
    public void EncodeUtf8_ByteLevelBpeIllFormedInput_DecodesToTheExactBytes(string name, byte[] input)
    {
        var t = s_gpt2.Value;
        var ids = t.EncodeUtf8(input);
        Assert.True(input.AsSpan().SequenceEqual(t.DecodeToBytes(ids)), name);
    }

    [Theory]
    [MemberData(nameof(IllFormed))]
    public void EncodeUtf8_SentencePieceIllFormedInput_DecodesToTheExactBytes(string name, byte[] input)
    {
        var t = s_llama.Value;
        var ids = t.EncodeUtf8(input);
        // SentencePiece adds a space prefix and strips it again when decoding.
        Assert.True(input.AsSpan().SequenceEqual(t.DecodeToBytes(ids)), name);
    }

    [Fact]
    public void EncodeUtf8_ByteLevelBpeValidRunsAroundABadByte_TokenizeAsTheyWouldAlone()
    {
        var t = s_gpt2.Value;
        var ids = t.EncodeUtf8([.. "Hello world"u8, 0xFF, .. " again"u8]);
        Assert.Equal([.. t.Encode("Hello world"), t.EncodeUtf8([0xFF]).Single(), .. t.Encode(" again")], ids);
    }

    [Fact]
    public void EncodeUtf8_ByteLevelBpeSeededRandomBytes_RoundTripExactly()
    {
        var t = s_gpt2.Value;
        var random = new Random(20260115);
        for (var i = 0; i < 300; i++)
        {
            var input = new byte[random.Next(1, 64)];
            random.NextBytes(input);
            if (i % 3 == 0)
            {
                // Mostly text with a few stray bytes, like a mis-decoded file.
                var text = Encoding.UTF8.GetBytes("naïve café 世界 🦙 ok ");
                input = [.. text, input[0], .. text];
            }
            var ids = t.EncodeUtf8(input);
            Assert.True(input.AsSpan().SequenceEqual(t.DecodeToBytes(ids)), $"case {i}: {Convert.ToHexString(input)}");
            Assert.All(ids, id => Assert.InRange(id, 0, t.VocabularySize - 1));
        }
    }

    [Fact]
    public void EncodeUtf8_NormalizingTokenizerWithBadBytes_KeepsTheBadBytes()
    {
        var t = TokenizerFactory.FromHuggingFaceJson(TestData.File("tokenizers/hf/qwen3-tokenizer.json"));
        byte[] input = [.. "Grüße "u8, 0xC3, .. " 世界"u8, 0xFF];
        var ids = t.EncodeUtf8(input);
        Assert.True(input.AsSpan().SequenceEqual(t.DecodeToBytes(ids)), Convert.ToHexString(t.DecodeToBytes(ids)));
    }
}

using System.Globalization;
using System.Text;
using Hearth.Inference.Tokenizers;

namespace Hearth.Inference.Tests.Tokenizers;

public sealed class SentencePieceTokenizerTests
{
    // ids: 0 <unk>, 1 <s>, 2 </s>, 3..258 <0x00>..<0xFF>, then the pieces below in order.
    private static readonly (string Piece, float Score)[] s_pieces =
    [
        ("\u2581", -5f), ("a", -4f), ("b", -4f), ("c", -4f), ("ab", -1f), ("bc", -2f), ("\u2581a", -3f), ("abc", -0.5f), ("aa", -1f),
    ];

    private static ITokenizer Create(bool? addSpacePrefix = null)
    {
        var tokens = new List<string> { "<unk>", "<s>", "</s>" };
        var types = new List<TokenType> { TokenType.Unknown, TokenType.Control, TokenType.Control };
        var scores = new List<float> { 0, 0, 0 };
        for (var b = 0; b < 256; b++)
        {
            tokens.Add(string.Create(CultureInfo.InvariantCulture, $"<0x{b:X2}>"));
            types.Add(TokenType.Byte);
            scores.Add(0);
        }
        foreach (var (piece, score) in s_pieces)
        {
            tokens.Add(piece);
            types.Add(TokenType.Normal);
            scores.Add(score);
        }
        return TokenizerFactory.FromVocabulary(new Vocabulary(TokenizerModel.SentencePiece, tokens)
        {
            Scores = scores,
            TokenTypes = types,
            AddSpacePrefix = addSpacePrefix,
        });
    }

    private static int Id(ITokenizer t, string piece) => t.FindToken(piece) ?? throw new InvalidOperationException(piece);

    [Fact]
    public void Encode_HighestScoringPairMergesFirst_ProducesLongestScoredPiece()
    {
        var t = Create();
        // ▁ a b c: ab (-1) beats ▁a (-3) and bc (-2); then abc (-0.5) forms; ▁abc is not a piece.
        Assert.Equal([Id(t, "\u2581"), Id(t, "abc")], t.Encode("abc"));
    }

    [Fact]
    public void Encode_EqualScores_LeftmostPairMergesFirst()
    {
        var t = Create(addSpacePrefix: false);
        Assert.Equal([Id(t, "aa"), Id(t, "a")], t.Encode("aaa"));
    }

    [Fact]
    public void Encode_UnknownCharacters_FallBackToByteTokens()
    {
        var t = Create(addSpacePrefix: false);
        Assert.Equal([3 + 0xC3, 3 + 0xA9, Id(t, "a")], t.Encode("\u00E9a"));
    }

    [Fact]
    public void Encode_InvalidUtf8_ByteFallbackRoundTripsExactBytes()
    {
        var t = Create();
        byte[] input = [(byte)'a', 0xFF, (byte)'b', 0xE2, 0x82];
        var ids = t.EncodeUtf8(input);
        Assert.Contains(3 + 0xFF, ids);
        Assert.Equal(input, t.DecodeToBytes(ids));
    }

    [Fact]
    public void Decode_SpacePrefixAdded_StripsOneLeadingSpace()
    {
        var t = Create();
        Assert.Equal("  ab c", Encoding.UTF8.GetString(t.DecodeToBytes(t.Encode("  ab c"))));
        Assert.Equal([Id(t, "\u2581"), Id(t, "\u2581"), Id(t, "\u2581a")], t.Encode("  a"));
        Assert.Equal("abc", t.Decode(t.Encode("abc", addBos: true)));
    }

    [Fact]
    public void Encode_SpecialTokenParsing_SplitsControlTokensOnlyWhenAsked()
    {
        var t = Create();
        Assert.Equal([1, Id(t, "\u2581a")], t.Encode("<s>a", parseSpecialTokens: true));
        Assert.DoesNotContain(1, t.Encode("<s>a"));
    }

    [Fact]
    public void Decode_ControlTokens_RenderOnlyOnRequest()
    {
        var t = Create();
        Assert.Equal("a", t.Decode([Id(t, "\u2581a"), 2]));
        Assert.Equal("a</s>", Encoding.UTF8.GetString(t.DecodeToBytes([Id(t, "\u2581a"), 2], renderSpecialTokens: true)));
        Assert.True(t.IsEndOfGeneration(2));
        Assert.False(t.IsEndOfGeneration(1));
    }

    [Fact]
    public void Create_MismatchedScores_ThrowsFormatException()
    {
        var vocabulary = new Vocabulary(TokenizerModel.SentencePiece, ["<unk>", "a"]) { Scores = [0f] };
        var e = Assert.Throws<TokenizerFormatException>(() => TokenizerFactory.FromVocabulary(vocabulary));
        Assert.Contains("scores", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TokenText_OutOfRange_ThrowsArgumentOutOfRange()
    {
        var t = Create();
        Assert.Throws<ArgumentOutOfRangeException>(() => t.TokenText(100_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Decode([-1]));
    }
}

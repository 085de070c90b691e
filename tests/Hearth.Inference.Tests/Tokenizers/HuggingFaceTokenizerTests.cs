using System.Text;
using Hearth.Inference.Tokenizers;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Tokenizers;

public sealed class HuggingFaceTokenizerTests
{
    private static readonly Lazy<ITokenizer> s_smol = new(() => TokenizerFactory.FromHuggingFaceJson(TestData.File("tokenizers/hf/smollm2-tokenizer.json")));
    private static readonly Lazy<ITokenizer> s_qwen = new(() => TokenizerFactory.FromHuggingFaceJson(TestData.File("tokenizers/hf/qwen3-tokenizer.json")));

    private const string Multilingual = "Grüße, 世界! Привет 🦙 x=12345;\n\tdef f(): return 'ok'  \n\n";

    private static int Id(ITokenizer t, string piece) => t.FindToken(piece) ?? throw new InvalidOperationException(piece);

    [Fact]
    public void SmolLm2_ChatMlTokens_HaveTheirIdsAndParseOnlyWhenAsked()
    {
        var t = s_smol.Value;
        Assert.Equal(49152, t.VocabularySize);
        Assert.Equal(1, Id(t, "<|im_start|>"));
        Assert.Equal(2, Id(t, "<|im_end|>"));
        var ids = t.Encode("<|im_start|>user\nHi<|im_end|>", parseSpecialTokens: true);
        Assert.Equal(1, ids[0]);
        Assert.Equal(2, ids[^1]);
        Assert.DoesNotContain(1, t.Encode("<|im_start|>user", parseSpecialTokens: false));
        Assert.True(t.IsEndOfGeneration(2));
        Assert.True(t.IsEndOfGeneration(0));
        Assert.False(t.IsEndOfGeneration(1));
    }

    [Fact]
    public void SmolLm2_WordsAndDigits_UseVocabularyPiecesAndSingleDigits()
    {
        var t = s_smol.Value;
        Assert.Equal([Id(t, "Hello"), Id(t, "\u0120world")], t.Encode("Hello world"));
        Assert.Equal([Id(t, "1"), Id(t, "2"), Id(t, "3"), Id(t, "4")], t.Encode("1234"));
    }

    [Fact]
    public void SmolLm2_Decode_RoundTripsExactly()
    {
        var t = s_smol.Value;
        Assert.Equal(Multilingual, t.Decode(t.Encode(Multilingual)));
    }

    [Fact]
    public void Qwen3_SpecialIdsAndEndOfGeneration_ComeFromTokenizerFiles()
    {
        var t = s_qwen.Value;
        Assert.Equal(151644, Id(t, "<|im_start|>"));
        Assert.Equal(151645, Id(t, "<|im_end|>"));
        Assert.Equal(151645, t.EosTokenId);       // eos_token of tokenizer_config.json
        Assert.Equal(-1, t.BosTokenId);           // bos_token: null
        Assert.False(t.AddBosByDefault);
        Assert.True(t.IsEndOfGeneration(151643)); // <|endoftext|>
        Assert.True(t.IsEndOfGeneration(151645));
        Assert.Equal(TokenType.UserDefined, t.GetTokenType(Id(t, "<think>")));
    }

    [Fact]
    public void Qwen3_ChatPrompt_ParsesSpecialAndUserDefinedTokens()
    {
        var t = s_qwen.Value;
        var ids = t.Encode("<|im_start|>user\nHello world<|im_end|>\n<think>", parseSpecialTokens: true);
        Assert.Equal([151644, Id(t, "user"), Id(t, "\u010A"), Id(t, "Hello"), Id(t, "\u0120world"), 151645, Id(t, "\u010A"), Id(t, "<think>")], ids);
        // User-defined tokens are matched even without special-token parsing; control tokens are not.
        var plain = t.Encode("<|im_start|><think>");
        Assert.Contains(Id(t, "<think>"), plain);
        Assert.DoesNotContain(151644, plain);
    }

    [Fact]
    public void Read_Qwen3_TakesNfcNormalizerAndRegexPreTokenizer()
    {
        var vocabulary = HuggingFaceTokenizerReader.Read(TestData.File("tokenizers/hf/qwen3-tokenizer.json"));
        Assert.Equal(NormalizationForm.FormC, vocabulary.Normalization);
        Assert.Equal("qwen2", vocabulary.PreTokenizer);
        Assert.Equal(151669, vocabulary.Tokens.Count);
        Assert.Equal(151387, vocabulary.Merges!.Count);
    }

    [Fact]
    public void Read_SmolLm2_MapsDigitsPlusByteLevelToStarcoderSplits()
    {
        var vocabulary = HuggingFaceTokenizerReader.Read(TestData.File("tokenizers/hf/smollm2-tokenizer.json"));
        Assert.Equal("starcoder", vocabulary.PreTokenizer);
        Assert.Null(vocabulary.Normalization);
    }

    [Fact]
    public void Qwen3_Decode_RoundTripsExactly()
    {
        var t = s_qwen.Value;
        var ids = t.Encode(Multilingual);
        Assert.Equal(Multilingual, t.Decode(ids));
        Assert.Equal(Encoding.UTF8.GetBytes(Multilingual), t.DecodeToBytes(ids));
    }

    [Fact]
    public void FromHuggingFaceJson_MalformedJson_ThrowsFormatException()
    {
        using var dir = new TempDir();
        var path = dir.File("tokenizer.json");
        File.WriteAllText(path, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}");
        var e = Assert.Throws<TokenizerFormatException>(() => TokenizerFactory.FromHuggingFaceJson(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromHuggingFaceJson_UnigramModel_ThrowsNotSupported()
    {
        using var dir = new TempDir();
        var path = dir.File("tokenizer.json");
        File.WriteAllText(path, "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
        var e = Assert.Throws<NotSupportedTokenizerException>(() => TokenizerFactory.FromHuggingFaceJson(path));
        Assert.Contains("BPE", e.Message, StringComparison.Ordinal);
    }
}

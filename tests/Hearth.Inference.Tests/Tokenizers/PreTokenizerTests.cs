using Hearth.Inference.Tokenizers;
using Hearth.Inference.Tokenizers.PreTokenizers;

namespace Hearth.Inference.Tests.Tokenizers;

public sealed class PreTokenizerTests
{
    private static List<string> Split(string name, string text)
    {
        var definition = PreTokenizerRegistry.Get(name);
        var splitter = PreTokenizerCache.Get(definition);
        var codepoints = text.EnumerateRunes().Select(r => r.Value).ToArray();
        var mapped = new char[codepoints.Length];
        CodepointText.Map(codepoints, mapped);
        var pieces = new List<int>();
        splitter.Split(mapped, pieces, []);
        var result = new List<string>();
        var start = 0;
        foreach (var length in pieces)
        {
            result.Add(string.Concat(codepoints.Skip(start).Take(length).Select(char.ConvertFromUtf32)));
            start += length;
        }
        return result;
    }

    [Fact]
    public void Split_Llama3_GroupsDigitsByThreeAndKeepsNewlinesWithPunctuation()
    {
        Assert.Equal(["Hello", " ", "123", "456", " world", "!!\n\n", "I", "'M"], Split("llama-bpe", "Hello 123456 world!!\n\nI'M"));
    }

    [Fact]
    public void Split_Gpt2_WhitespaceBeforeWordLeavesOneSpaceForTheWord()
    {
        Assert.Equal(["a", "  ", " b", "'s", "\t\n"], Split("gpt-2", "a   b's\t\n"));
    }

    [Fact]
    public void Split_Starcoder_SplitsEveryDigit()
    {
        Assert.Equal(["x", "1", "2", "3", " ", "4"], Split("starcoder", "x123 4"));
    }

    [Fact]
    public void Split_Falcon_PunctuationFirstThenDigitTriples()
    {
        Assert.Equal(["a", "...", " ", "123", "45"], Split("falcon", "a... 12345"));
    }

    [Fact]
    public void Split_SupplementaryLetters_StayLetters()
    {
        // Mathematical bold capitals (U+1D400..) are letters (Lu) outside the BMP; emoji are symbols.
        Assert.Equal(["\U0001D400\U0001D401", " \U0001F999"], Split("gpt-2", "\U0001D400\U0001D401 \U0001F999"));
    }

    [Fact]
    public void Split_DeepSeekLlm_TrailingWhitespaceAnchorsAtPieceEnd()
    {
        // "\s+$" must not match before a final newline (.NET's $ would); the newline is split first anyway.
        Assert.Equal(["a", " ", "\n"], Split("deepseek-llm", "a \n"));
    }

    [Fact]
    public void Get_EmptyName_SelectsDefault()
    {
        Assert.Same(PreTokenizerRegistry.Get("default"), PreTokenizerRegistry.Get(null));
    }

    [Theory]
    [InlineData("deepseek-llm")]
    [InlineData("deepseek-coder")]
    [InlineData("llama-bpe")]
    [InlineData("gpt-2")]
    [InlineData("qwen2")]
    [InlineData("tekken")]
    public void Split_LongWhitespaceAndUppercaseRuns_StaysFast(string name)
    {
        var text = new string(' ', 100_000) + "1" + new string('\t', 50_000) + "\u4E00" + new string('A', 50_000) + " \n";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var pieces = Split(name, text);
        // Generous bound, not a speed bar: 0.2-1.1 s per pre-tokenizer with six builds sharing 2 cores; the backtracking
        // regex this guards against is quadratic in the 200 K-char runs (minutes). 60 s leaves room for any shared machine.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"{name} took {watch.Elapsed}");
        Assert.Equal(text, string.Concat(pieces));
    }
}

using System.Collections.Frozen;
using Hearth.Inference.Gguf;
using P = Hearth.Inference.Tokenizers.PreTokenizers.PreTokenizerPatterns;

namespace Hearth.Inference.Tokenizers.PreTokenizers;

/// <summary>The pre-tokenizers Hearth implements, by <c>tokenizer.ggml.pre</c> name (same grouping as llama.cpp).</summary>
internal static class PreTokenizerRegistry
{
    public static readonly IReadOnlyList<PreTokenizerDefinition> All =
    [
        new(["default"], [P.DefaultPunctuation, P.Gpt2, P.DigitRun, P.ThreeAsciiDigits]),
        new(["llama3", "llama-v3", "llama-bpe", "falcon3"], [P.Llama3], IgnoreMerges: true, AddBos: true),
        new(["dbrx", "smaug-bpe", "chatglm-bpe"], [P.Llama3]),
        new(["deepseek-llm"], [P.LineBreak, P.DeepSeekLlmLetters, P.DeepSeekLlmPunctuation, P.TrailingWhitespace, P.CjkRun, P.DigitRun]),
        new(["deepseek-coder"], [P.LineBreak, P.DeepSeekCoderLetters, P.DeepSeekCoderPunctuation, P.CjkRun, P.SingleDigit]),
        new(["deepseek-v3"], [@"\p{N}{1,3}", P.DeepSeekV3Cjk, P.DeepSeekV3Main]),
        new(["falcon"], [P.FalconPunctuation, P.Gpt2, P.ThreeAsciiDigits]),
        new(["starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b"], [P.SingleDigit, P.Gpt2]),
        new(["gpt-2", "phi-2", "mpt", "olmo", "jais", "jina-es", "jina-de", "jina-v1-en", "jina-v2-es", "jina-v2-de", "jina-v2-code", "roberta-bpe", "gigachat"], [P.Gpt2]),
        new(["qwen2", "stablelm2", "megrez", "deepseek-r1-qwen"], [P.Qwen2]),
        new(["poro-chat", "bloom", "gpt3-finnish"], [P.Bloom]),
        new(["viking"], [P.Bloom, P.SingleDigit]),
        new(["tekken"], [P.Tekken], IgnoreMerges: true, AddBos: true),
    ];

    private static readonly FrozenDictionary<string, PreTokenizerDefinition> s_byName =
        All.SelectMany(d => d.Names.Select(n => KeyValuePair.Create(n, d))).ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every supported name, sorted.</summary>
    public static IEnumerable<string> Names => s_byName.Keys.Order(StringComparer.Ordinal);

    /// <summary>Finds a definition; null or empty selects <c>default</c> as llama.cpp does.</summary>
    public static PreTokenizerDefinition Get(string? name)
    {
        var key = string.IsNullOrEmpty(name) ? "default" : name;
        return s_byName.TryGetValue(key, out var definition)
            ? definition
            : throw new NotSupportedTokenizerException(GgufNames.TokenizerPre, key, Names);
    }
}

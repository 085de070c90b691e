using Hearth.Inference.Gguf;
using Hearth.Inference.Tokenizers.PreTokenizers;

namespace Hearth.Inference.Tokenizers;

/// <summary>Creates tokenizers from a <see cref="Vocabulary"/>, a GGUF file or a Hugging Face <c>tokenizer.json</c>.</summary>
public static class TokenizerFactory
{
    /// <summary>GGUF <c>tokenizer.ggml.model</c> values Hearth implements.</summary>
    public static IReadOnlyList<string> SupportedModels { get; } = ["llama", "gpt2"];

    /// <summary>GGUF <c>tokenizer.ggml.pre</c> values Hearth implements (byte-level BPE).</summary>
    public static IEnumerable<string> SupportedPreTokenizers => PreTokenizerRegistry.Names;

    /// <summary>Creates the tokenizer for a vocabulary.</summary>
    /// <exception cref="NotSupportedTokenizerException">Unknown pre-tokenizer.</exception>
    /// <exception cref="TokenizerFormatException">Inconsistent arrays or missing merges.</exception>
    public static ITokenizer FromVocabulary(Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return vocabulary.Model switch
        {
            TokenizerModel.SentencePiece => new SentencePieceTokenizer(vocabulary),
            TokenizerModel.ByteLevelBpe => new ByteLevelBpeTokenizer(vocabulary),
            _ => throw new NotSupportedTokenizerException("model", vocabulary.Model.ToString(), SupportedModels),
        };
    }

    /// <summary>Reads the vocabulary of a GGUF file (<c>tokenizer.ggml.*</c> keys).</summary>
    /// <exception cref="NotSupportedTokenizerException">Unknown <c>tokenizer.ggml.model</c> or <c>tokenizer.ggml.pre</c>; the message lists the supported values.</exception>
    /// <exception cref="TokenizerFormatException">Missing or inconsistent tokenizer arrays.</exception>
    public static ITokenizer FromGguf(GgufFile file) => FromVocabulary(GgufVocabularyReader.Read(file));

    /// <summary>Reads a Hugging Face <c>tokenizer.json</c> (model type BPE, byte-level).</summary>
    /// <exception cref="NotSupportedTokenizerException">A model, normalizer or pre-tokenizer Hearth does not implement.</exception>
    /// <exception cref="TokenizerFormatException">Malformed JSON or missing fields.</exception>
    public static ITokenizer FromHuggingFaceJson(string tokenizerJsonPath) => FromHuggingFaceJson(tokenizerJsonPath, null);

    /// <summary>Reads a Hugging Face <c>tokenizer.json</c>, taking BOS/EOS from <paramref name="tokenizerConfigPath"/>
    /// (default: a <c>tokenizer_config.json</c> beside it, if any).</summary>
    public static ITokenizer FromHuggingFaceJson(string tokenizerJsonPath, string? tokenizerConfigPath) =>
        new ByteLevelBpeTokenizer(HuggingFaceTokenizerReader.Read(tokenizerJsonPath, tokenizerConfigPath));
}

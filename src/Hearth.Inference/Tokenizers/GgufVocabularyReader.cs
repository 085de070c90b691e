using Hearth.Inference.Gguf;

namespace Hearth.Inference.Tokenizers;

/// <summary>Builds a <see cref="Vocabulary"/> from a GGUF file's <c>tokenizer.ggml.*</c> metadata.</summary>
internal static class GgufVocabularyReader
{
    public static Vocabulary Read(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var origin = file.FilePath;
        var modelName = file.GetString(GgufNames.TokenizerModel)
            ?? throw new TokenizerFormatException(origin, GgufNames.TokenizerModel, "missing; the file has no tokenizer.");
        var model = modelName switch
        {
            "llama" => TokenizerModel.SentencePiece,
            "gpt2" => TokenizerModel.ByteLevelBpe,
            _ => throw new NotSupportedTokenizerException(GgufNames.TokenizerModel, modelName, TokenizerFactory.SupportedModels),
        };
        var tokens = file.GetStringArray(GgufNames.TokenizerTokens)
            ?? throw new TokenizerFormatException(origin, GgufNames.TokenizerTokens, "missing.");
        var types = file.GetInt32Array(GgufNames.TokenizerTokenType);
        return new Vocabulary(model, tokens)
        {
            Origin = origin,
            Scores = file.GetSingleArray(GgufNames.TokenizerScores),
            TokenTypes = types is null ? null : Array.ConvertAll(types, t => (TokenType)t),
            Merges = model == TokenizerModel.ByteLevelBpe
                ? file.GetStringArray(GgufNames.TokenizerMerges)
                    ?? throw new TokenizerFormatException(origin, GgufNames.TokenizerMerges, "missing; byte-level BPE needs merges.")
                : null,
            PreTokenizer = file.GetString(GgufNames.TokenizerPre),
            BosTokenId = Id(file, GgufNames.BosTokenId),
            EosTokenId = Id(file, GgufNames.EosTokenId),
            UnknownTokenId = Id(file, GgufNames.UnknownTokenId),
            PaddingTokenId = Id(file, GgufNames.PaddingTokenId),
            EndOfTurnTokenId = Id(file, GgufNames.EndOfTurnTokenId),
            EndOfMessageTokenId = Id(file, GgufNames.EndOfMessageTokenId),
            AddBos = file.GetBoolean(GgufNames.AddBosToken),
            AddEos = file.GetBoolean(GgufNames.AddEosToken),
            AddSpacePrefix = file.GetBoolean(GgufNames.AddSpacePrefix),
            ModelName = file.GetString(GgufNames.Name),
        };
    }

    private static int? Id(GgufFile file, string key) =>
        file.GetInteger(key) is { } value ? (value is >= 0 and <= int.MaxValue ? (int)value : -1) : null;
}

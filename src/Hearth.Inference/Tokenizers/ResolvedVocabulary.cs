namespace Hearth.Inference.Tokenizers;

/// <summary>
/// A <see cref="Vocabulary"/> checked and completed with llama.cpp's defaults: token types (with control-looking
/// tokens forced to <see cref="TokenType.Control"/>), special ids, end-of-generation set and flags.
/// </summary>
internal sealed class ResolvedVocabulary
{
    public ResolvedVocabulary(Vocabulary vocabulary, bool defaultAddBos)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var origin = vocabulary.Origin;
        var count = vocabulary.Tokens.Count;
        if (count == 0)
        {
            throw new TokenizerFormatException(origin, "tokens", "the vocabulary is empty.");
        }
        if (vocabulary.Scores is not null && vocabulary.Scores.Count != count)
        {
            throw new TokenizerFormatException(origin, "scores", $"{vocabulary.Scores.Count} scores for {count} tokens.");
        }
        if (vocabulary.TokenTypes is not null && vocabulary.TokenTypes.Count != count)
        {
            throw new TokenizerFormatException(origin, "token_type", $"{vocabulary.TokenTypes.Count} token types for {count} tokens.");
        }

        Pieces = new string[count];
        Types = new TokenType[count];
        for (var i = 0; i < count; i++)
        {
            var piece = vocabulary.Tokens[i];
            Pieces[i] = string.IsNullOrEmpty(piece) ? $"[EMPTY_{i}]" : piece;
            var type = vocabulary.TokenTypes?[i] ?? TokenType.Normal;
            Types[i] = Enum.IsDefined(type) ? type : TokenType.Undefined;
        }

        var spm = vocabulary.Model == TokenizerModel.SentencePiece;
        BosTokenId = CheckId(vocabulary.BosTokenId ?? (spm ? 1 : 11), count);
        EosTokenId = CheckId(vocabulary.EosTokenId ?? (spm ? 2 : 11), count);
        UnknownTokenId = CheckId(vocabulary.UnknownTokenId ?? (spm ? 0 : -1), count);
        AddBos = vocabulary.AddBos ?? defaultAddBos;
        AddSpacePrefix = vocabulary.AddSpacePrefix ?? spm;

        var eog = new HashSet<int>();
        var eot = CheckId(vocabulary.EndOfTurnTokenId ?? -1, count);
        var eom = CheckId(vocabulary.EndOfMessageTokenId ?? -1, count);
        var findEot = eot < 0;
        var findEom = eom < 0;
        for (var id = 0; id < count; id++)
        {
            var text = Pieces[id];
            var endsGeneration = SpecialTokenTexts.EndOfGeneration.Contains(text) || SpecialTokenTexts.FillInMiddleEnders.Contains(text);
            var isEot = findEot && SpecialTokenTexts.EndOfTurn.Contains(text);
            var isEom = findEom && text == "<|eom_id|>";
            if (endsGeneration || isEot || isEom)
            {
                eog.Add(id);
                Types[id] = TokenType.Control;
            }
            else if (SpecialTokenTexts.FillInMiddleMarkers.Contains(text))
            {
                Types[id] = TokenType.Control;
            }
        }
        foreach (var id in new[] { EosTokenId, eot, eom })
        {
            if (id >= 0)
            {
                eog.Add(id);
            }
        }
        EndOfGeneration = eog;

        var rightStrip = vocabulary.RightStripTokens is null ? new HashSet<int>() : new HashSet<int>(vocabulary.RightStripTokens);
        var modelName = vocabulary.ModelName?.ToLowerInvariant() ?? string.Empty;
        if (modelName.Contains("phi-3", StringComparison.Ordinal) || modelName.Contains("phi3", StringComparison.Ordinal))
        {
            // llama.cpp: Phi-3's special tokens swallow the whitespace that follows them, except <unk>, <s>, <|endoftext|>.
            for (var id = 0; id < count; id++)
            {
                if (Types[id] is TokenType.Control or TokenType.UserDefined or TokenType.Unknown || Pieces[id] == "</s>")
                {
                    rightStrip.Add(id);
                }
                if (Pieces[id] is "<unk>" or "<s>" or "<|endoftext|>")
                {
                    rightStrip.Remove(id);
                }
            }
        }
        Splitter = new SpecialTokenSplitter(Pieces, Types, vocabulary.LeftStripTokens, rightStrip);
    }

    public string[] Pieces { get; }
    public TokenType[] Types { get; }
    public int BosTokenId { get; }
    public int EosTokenId { get; }
    public int UnknownTokenId { get; }
    public bool AddBos { get; }
    public bool AddSpacePrefix { get; }
    public IReadOnlySet<int> EndOfGeneration { get; }
    public SpecialTokenSplitter Splitter { get; }

    private static int CheckId(int id, int count) => id >= 0 && id < count ? id : -1;
}

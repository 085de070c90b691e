namespace Hearth.Inference.Tokenizers;

/// <summary>
/// A tokenizer vocabulary as plain arrays, independent of the file it came from (GGUF or tokenizer.json).
/// </summary>
/// <param name="Model">The algorithm.</param>
/// <param name="Tokens">Token pieces by id, as stored (SentencePiece pieces use ▁ for spaces; byte-level pieces use the GPT-2 byte alphabet).</param>
public sealed record Vocabulary(TokenizerModel Model, IReadOnlyList<string> Tokens)
{
    /// <summary>SentencePiece merge scores by id (higher merges first); null means all zero.</summary>
    public IReadOnlyList<float>? Scores { get; init; }

    /// <summary>Token kinds by id; null means all <see cref="TokenType.Normal"/>.</summary>
    public IReadOnlyList<TokenType>? TokenTypes { get; init; }

    /// <summary>Byte-level BPE merges in rank order, each <c>"left right"</c>.</summary>
    public IReadOnlyList<string>? Merges { get; init; }

    /// <summary>Pre-tokenizer name (GGUF <c>tokenizer.ggml.pre</c>); null means <c>default</c>. Ignored for SentencePiece.</summary>
    public string? PreTokenizer { get; init; }

    /// <summary>BOS id; null uses the model default (SentencePiece 1, byte-level BPE 11 as llama.cpp does).</summary>
    public int? BosTokenId { get; init; }

    /// <summary>EOS id; null uses the model default (SentencePiece 2, byte-level BPE 11).</summary>
    public int? EosTokenId { get; init; }

    /// <summary>Unknown-token id; null uses the model default (SentencePiece 0, byte-level BPE none).</summary>
    public int? UnknownTokenId { get; init; }

    /// <summary>Padding id, if any.</summary>
    public int? PaddingTokenId { get; init; }

    /// <summary>End-of-turn id; null means found by text (<c>&lt;|eot_id|&gt;</c>, <c>&lt;|im_end|&gt;</c>, ...).</summary>
    public int? EndOfTurnTokenId { get; init; }

    /// <summary>End-of-message id; null means found by text (<c>&lt;|eom_id|&gt;</c>).</summary>
    public int? EndOfMessageTokenId { get; init; }

    /// <summary>Whether to add BOS by default; null uses the model default (SentencePiece true, llama3-style BPE true, other BPE false).</summary>
    public bool? AddBos { get; init; }

    /// <summary>Whether to add EOS by default; null means false.</summary>
    public bool? AddEos { get; init; }

    /// <summary>SentencePiece: prefix the text with a space (▁); null means true for SentencePiece, false for BPE.</summary>
    public bool? AddSpacePrefix { get; init; }

    /// <summary>Model name (GGUF <c>general.name</c>), used for llama.cpp's per-model token attributes (Phi-3 right-strip).</summary>
    public string? ModelName { get; init; }

    /// <summary>Ids of special tokens that swallow whitespace to their left when matched in text.</summary>
    public IReadOnlySet<int>? LeftStripTokens { get; init; }

    /// <summary>Ids of special tokens that swallow whitespace to their right when matched in text.</summary>
    public IReadOnlySet<int>? RightStripTokens { get; init; }

    /// <summary>Unicode normalization applied to text before tokenizing (tokenizer.json <c>NFC</c>); null means none.</summary>
    public System.Text.NormalizationForm? Normalization { get; init; }

    /// <summary>Byte-level BPE: when the whole pre-token is in the vocabulary, emit it without merging (llama3, tekken); null uses the pre-tokenizer default.</summary>
    public bool? IgnoreMerges { get; init; }

    /// <summary>Where the vocabulary came from, for error messages.</summary>
    public string? Origin { get; init; }
}

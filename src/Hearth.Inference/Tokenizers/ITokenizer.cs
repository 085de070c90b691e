namespace Hearth.Inference.Tokenizers;

/// <summary>
/// Converts text to token ids and back for one model vocabulary.
/// </summary>
/// <remarks>
/// Implementations are immutable after construction and safe to use from many threads at once
/// (the per-word cache of the byte-level BPE tokenizer is a concurrent, bounded dictionary).
/// Encoding never throws on odd input. Bytes that are not well-formed UTF-8 are kept by byte fallback in both algorithms
/// (SentencePiece's <c>&lt;0xNN&gt;</c> tokens; byte-level BPE's single-byte tokens), so for raw bytes
/// <c>DecodeToBytes(EncodeUtf8(bytes))</c> equals the input (after Unicode normalization of the valid text, for vocabularies
/// that normalize). A <see cref="string"/> is UTF-8 encoded first, so its lone surrogates become U+FFFD.
/// </remarks>
public interface ITokenizer
{
    /// <summary>Number of token ids in the vocabulary.</summary>
    int VocabularySize { get; }

    /// <summary>Beginning-of-sequence token id, or -1 when the vocabulary has none.</summary>
    int BosTokenId { get; }

    /// <summary>End-of-sequence token id, or -1 when the vocabulary has none.</summary>
    int EosTokenId { get; }

    /// <summary>Whether the model expects a BOS token in front of every prompt.</summary>
    bool AddBosByDefault { get; }

    /// <summary>True for EOS and every end-of-turn-like token (EOT, EOM, <c>&lt;|im_end|&gt;</c>, <c>&lt;|eot_id|&gt;</c>...).</summary>
    bool IsEndOfGeneration(int tokenId);

    /// <summary>Encodes text. <paramref name="parseSpecialTokens"/> lets control tokens written in the text (e.g. <c>&lt;|im_start|&gt;</c>) become their ids.</summary>
    int[] Encode(string text, bool addBos = false, bool parseSpecialTokens = false);

    /// <summary>Encodes raw bytes: well-formed UTF-8 runs as text, every other byte as its byte token.</summary>
    int[] EncodeUtf8(ReadOnlySpan<byte> utf8, bool addBos = false, bool parseSpecialTokens = false);

    /// <summary>The exact bytes the ids stand for; control and unknown tokens render as nothing.</summary>
    byte[] DecodeToBytes(ReadOnlySpan<int> ids);

    /// <summary>The exact bytes the ids stand for; with <paramref name="renderSpecialTokens"/> control tokens render as their text.</summary>
    byte[] DecodeToBytes(ReadOnlySpan<int> ids, bool renderSpecialTokens);

    /// <summary>Decodes to a string (invalid UTF-8 becomes U+FFFD).</summary>
    string Decode(ReadOnlySpan<int> ids);

    /// <summary>The bytes one token contributes when it is not the first token of a sequence (for streaming).</summary>
    ReadOnlySpan<byte> TokenBytes(int tokenId);

    /// <summary>The raw piece as stored in the vocabulary (e.g. <c>▁Hello</c> or <c>ĠHello</c>).</summary>
    string TokenText(int tokenId);

    /// <summary>The kind of a token (normal, control, byte...).</summary>
    TokenType GetTokenType(int tokenId);

    /// <summary>The id of a raw piece, or null.</summary>
    int? FindToken(string piece);
}

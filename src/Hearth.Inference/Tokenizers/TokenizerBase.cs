using System.Buffers;
using System.Text;

namespace Hearth.Inference.Tokenizers;

/// <summary>
/// What both algorithms share: special-token splitting, BOS, end-of-generation, piece bytes and decoding.
/// Subclasses tokenize one raw-text fragment at a time.
/// </summary>
internal abstract class TokenizerBase : ITokenizer
{
    private readonly byte[][] _pieceBytes;      // bytes rendered for normal decoding
    private readonly byte[][] _specialBytes;    // control/unknown token texts, rendered on request

    /// <param name="vocabulary">The checked vocabulary.</param>
    /// <param name="render">The bytes a piece of a given type renders to in normal decoding.</param>
    protected TokenizerBase(ResolvedVocabulary vocabulary, Func<string, TokenType, byte[]> render)
    {
        ArgumentNullException.ThrowIfNull(render);
        Vocabulary = vocabulary;
        var count = vocabulary.Pieces.Length;
        _pieceBytes = new byte[count][];
        _specialBytes = new byte[count][];
        for (var id = 0; id < count; id++)
        {
            var type = vocabulary.Types[id];
            _specialBytes[id] = type is TokenType.Control or TokenType.Unknown ? Encoding.UTF8.GetBytes(vocabulary.Pieces[id]) : [];
            _pieceBytes[id] = render(vocabulary.Pieces[id], type);
        }
    }

    protected ResolvedVocabulary Vocabulary { get; }

    /// <summary>Whether the first piece of a decoded sequence loses one leading space (SentencePiece's space prefix).</summary>
    protected virtual bool StripLeadingSpace => false;

    public int VocabularySize => Vocabulary.Pieces.Length;

    public int BosTokenId => Vocabulary.BosTokenId;

    public int EosTokenId => Vocabulary.EosTokenId;

    public bool AddBosByDefault => Vocabulary.AddBos;

    public bool IsEndOfGeneration(int tokenId) => Vocabulary.EndOfGeneration.Contains(tokenId);

    public int[] Encode(string text, bool addBos = false, bool parseSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = Normalize(text);
        var byteCount = Encoding.UTF8.GetByteCount(text);
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(byteCount, 1));
        try
        {
            var written = Encoding.UTF8.GetBytes(text, rented);
            return EncodeCore(rented.AsSpan(0, written), addBos, parseSpecialTokens);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public int[] EncodeUtf8(ReadOnlySpan<byte> utf8, bool addBos = false, bool parseSpecialTokens = false)
    {
        if (!NeedsNormalization)
        {
            return EncodeCore(utf8, addBos, parseSpecialTokens);
        }
        if (Utf8Runs.ValidPrefixLength(utf8) == utf8.Length)
        {
            return Encode(Encoding.UTF8.GetString(utf8), addBos, parseSpecialTokens);
        }
        // Normalize the well-formed runs only; ill-formed bytes pass through for the algorithm's byte fallback.
        var normalized = new ArrayBufferWriter<byte>(utf8.Length + 16);
        while (!utf8.IsEmpty)
        {
            var valid = Utf8Runs.ValidPrefixLength(utf8);
            if (valid > 0)
            {
                var text = Normalize(Encoding.UTF8.GetString(utf8[..valid]));
                var span = normalized.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
                normalized.Advance(Encoding.UTF8.GetBytes(text, span));
                utf8 = utf8[valid..];
            }
            if (!utf8.IsEmpty)
            {
                var invalid = Utf8Runs.InvalidPrefixLength(utf8);
                normalized.Write(utf8[..invalid]);
                utf8 = utf8[invalid..];
            }
        }
        return EncodeCore(normalized.WrittenSpan, addBos, parseSpecialTokens);
    }

    /// <summary>Text normalization applied before tokenizing (none by default).</summary>
    protected virtual bool NeedsNormalization => false;

    protected virtual string Normalize(string text) => text;

    private int[] EncodeCore(ReadOnlySpan<byte> utf8, bool addBos, bool parseSpecialTokens)
    {
        var output = new List<int>(utf8.Length / 3 + 4);
        if (addBos && BosTokenId >= 0)
        {
            output.Add(BosTokenId);
        }
        var fragments = new List<TextFragment>();
        Vocabulary.Splitter.Split(utf8, parseSpecialTokens, fragments);
        var previousWasToken = true;
        foreach (var fragment in fragments)
        {
            if (fragment.IsToken)
            {
                output.Add(fragment.TokenId);
                previousWasToken = true;
            }
            else
            {
                EncodeFragment(utf8.Slice(fragment.Start, fragment.Length), previousWasToken, output);
                previousWasToken = false;
            }
        }
        return [.. output];
    }

    /// <summary>Tokenizes one raw-text fragment.</summary>
    /// <param name="utf8">The fragment's bytes.</param>
    /// <param name="afterSpecialOrStart">True at the start of the text or right after a special token.</param>
    /// <param name="output">Receives the ids.</param>
    protected abstract void EncodeFragment(ReadOnlySpan<byte> utf8, bool afterSpecialOrStart, List<int> output);

    public byte[] DecodeToBytes(ReadOnlySpan<int> ids) => DecodeToBytes(ids, renderSpecialTokens: false);

    public byte[] DecodeToBytes(ReadOnlySpan<int> ids, bool renderSpecialTokens)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(16, ids.Length * 4));
        var strip = StripLeadingSpace;
        foreach (var id in ids)
        {
            var bytes = PieceFor(id, renderSpecialTokens);
            if (bytes.IsEmpty)
            {
                continue;
            }
            if (strip)
            {
                strip = false;
                if (bytes[0] == (byte)' ')
                {
                    bytes = bytes[1..];
                }
            }
            buffer.Write(bytes);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public string Decode(ReadOnlySpan<int> ids) => Encoding.UTF8.GetString(DecodeToBytes(ids));

    public ReadOnlySpan<byte> TokenBytes(int tokenId) => PieceFor(tokenId, renderSpecial: false);

    public string TokenText(int tokenId) => Vocabulary.Pieces[CheckId(tokenId)];

    public TokenType GetTokenType(int tokenId) => Vocabulary.Types[CheckId(tokenId)];

    public abstract int? FindToken(string piece);

    private ReadOnlySpan<byte> PieceFor(int id, bool renderSpecial)
    {
        CheckId(id);
        var bytes = _pieceBytes[id];
        return bytes.Length == 0 && renderSpecial ? _specialBytes[id] : bytes;
    }

    private int CheckId(int id) =>
        (uint)id < (uint)_pieceBytes.Length
            ? id
            : throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the vocabulary (0..{_pieceBytes.Length - 1}).");
}

using System.Buffers;
using System.Globalization;
using System.Text;

namespace Hearth.Inference.Tokenizers;

/// <summary>
/// SentencePiece-style BPE as llama.cpp runs it for <c>tokenizer.ggml.model = llama</c>: spaces become ▁, a ▁ is
/// prefixed at the start and after each special token (when <c>add_space_prefix</c>), the bytes are split into
/// UTF-8 characters, and the adjacent pair whose concatenation is a vocabulary piece with the highest score is merged
/// (ties: leftmost) until none is left; pieces that are not tokens fall back to <c>&lt;0xNN&gt;</c> byte tokens.
/// </summary>
internal sealed class SentencePieceTokenizer : TokenizerBase
{
    private static readonly byte[] s_escapedSpace = [0xE2, 0x96, 0x81]; // U+2581 ▁
    private readonly Utf8TokenTable _table;
    private readonly float[] _scores;
    private readonly int[] _byteTokens;

    public SentencePieceTokenizer(Vocabulary vocabulary)
        : base(new ResolvedVocabulary(WithInferredTypes(vocabulary), defaultAddBos: true), Render)
    {
        _table = new Utf8TokenTable(Vocabulary.Pieces);
        _scores = vocabulary.Scores is null ? new float[Vocabulary.Pieces.Length] : [.. vocabulary.Scores];
        _byteTokens = new int[256];
        for (var b = 0; b < 256; b++)
        {
            _byteTokens[b] = FindByteToken((byte)b);
        }
    }

    protected override bool StripLeadingSpace => Vocabulary.AddSpacePrefix;

    public override int? FindToken(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        return _table.TryGetId(Encoding.UTF8.GetBytes(piece), out var id) ? id : null;
    }

    protected override void EncodeFragment(ReadOnlySpan<byte> utf8, bool afterSpecialOrStart, List<int> output)
    {
        var prefix = Vocabulary.AddSpacePrefix && afterSpecialOrStart;
        // Each space grows from 1 to 3 bytes (▁); the prefix adds 3.
        var length = utf8.Length + (utf8.Count((byte)' ') * 2) + (prefix ? 3 : 0);
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        try
        {
            var text = rented.AsSpan(0, length);
            var at = 0;
            if (prefix)
            {
                s_escapedSpace.CopyTo(text);
                at = 3;
            }
            foreach (var b in utf8)
            {
                if (b == (byte)' ')
                {
                    s_escapedSpace.CopyTo(text[at..]);
                    at += 3;
                }
                else
                {
                    text[at++] = b;
                }
            }
            TokenizeEscaped(text, output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void TokenizeEscaped(ReadOnlySpan<byte> text, List<int> output)
    {
        if (text.IsEmpty)
        {
            return;
        }
        // Symbols: one per UTF-8 character (by lead byte), linked left/right.
        var count = 0;
        var starts = ArrayPool<int>.Shared.Rent(text.Length);
        var lengths = ArrayPool<int>.Shared.Rent(text.Length);
        var prev = ArrayPool<int>.Shared.Rent(text.Length);
        var next = ArrayPool<int>.Shared.Rent(text.Length);
        var queue = new BigramHeap(text.Length);
        try
        {
            for (var offset = 0; offset < text.Length;)
            {
                // One well-formed character, or one ill-formed subsequence (so a stray lead byte never swallows the
                // ASCII or ▁ after it, and the bytes come back exactly). For valid UTF-8 this is llama.cpp's split.
                var n = text[offset] < 0x80 ? 1 : Utf8Runs.FirstSequenceLength(text[offset..]);
                starts[count] = offset;
                lengths[count] = n;
                prev[count] = count - 1;
                offset += n;
                next[count] = offset == text.Length ? -1 : count + 1;
                count++;
            }

            for (var i = 1; i < count; i++)
            {
                TryAddBigram(text, starts, lengths, i - 1, i, ref queue);
            }
            while (queue.TryPop(out var bigram))
            {
                var left = bigram.Left;
                var right = bigram.Right;
                if (lengths[left] == 0 || lengths[right] == 0 || lengths[left] + lengths[right] != bigram.Size)
                {
                    continue; // stale: one side was merged since
                }
                lengths[left] += lengths[right];
                lengths[right] = 0;
                next[left] = next[right];
                if (next[right] >= 0)
                {
                    prev[next[right]] = left;
                }
                if (prev[left] >= 0)
                {
                    TryAddBigram(text, starts, lengths, prev[left], left, ref queue);
                }
                if (next[left] >= 0)
                {
                    TryAddBigram(text, starts, lengths, left, next[left], ref queue);
                }
            }

            for (var i = 0; i != -1; i = next[i])
            {
                var piece = text.Slice(starts[i], lengths[i]);
                if (_table.TryGetId(piece, out var id))
                {
                    output.Add(id);
                    continue;
                }
                foreach (var b in piece)
                {
                    var byteToken = _byteTokens[b];
                    if (byteToken >= 0)
                    {
                        output.Add(byteToken);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(starts);
            ArrayPool<int>.Shared.Return(lengths);
            ArrayPool<int>.Shared.Return(prev);
            ArrayPool<int>.Shared.Return(next);
            queue.Dispose();
        }
    }

    private void TryAddBigram(ReadOnlySpan<byte> text, int[] starts, int[] lengths, int left, int right, ref BigramHeap queue)
    {
        var size = lengths[left] + lengths[right];
        // Adjacent symbols are contiguous in the text, so the merged piece is one slice.
        if (!_table.TryGetId(text.Slice(starts[left], size), out var id))
        {
            return;
        }
        queue.Push(new Bigram(left, right, _scores[id], size));
    }

    private int FindByteToken(byte value)
    {
        Span<byte> name = stackalloc byte[6];
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"<0x{value:X2}>"), name);
        if (_table.TryGetId(name, out var id))
        {
            return id;
        }
        if (value < 0x80 && _table.TryGetId([value], out id))
        {
            return id;
        }
        return Vocabulary.UnknownTokenId;
    }

    private static byte[] Render(string piece, TokenType type) => type switch
    {
        TokenType.Normal => Encoding.UTF8.GetBytes(piece.Replace('\u2581', ' ')),
        TokenType.UserDefined => Encoding.UTF8.GetBytes(piece),
        TokenType.Byte => TryParseByteToken(piece, out var b) ? [b] : [],
        _ => [],
    };

    private static bool TryParseByteToken(string piece, out byte value)
    {
        value = 0;
        return piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
            && byte.TryParse(piece.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Without a token-type array, <c>&lt;0xNN&gt;</c> pieces are byte tokens and BOS/EOS/UNK are control/unknown.</summary>
    private static Vocabulary WithInferredTypes(Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (vocabulary.TokenTypes is not null)
        {
            return vocabulary;
        }
        var types = new TokenType[vocabulary.Tokens.Count];
        for (var i = 0; i < types.Length; i++)
        {
            types[i] = TryParseByteToken(vocabulary.Tokens[i], out _) ? TokenType.Byte : TokenType.Normal;
        }
        MarkIfPresent(vocabulary.UnknownTokenId ?? 0, TokenType.Unknown);
        MarkIfPresent(vocabulary.BosTokenId ?? 1, TokenType.Control);
        MarkIfPresent(vocabulary.EosTokenId ?? 2, TokenType.Control);
        return vocabulary with { TokenTypes = types };

        void MarkIfPresent(int id, TokenType type)
        {
            if (id >= 0 && id < types.Length)
            {
                types[id] = type;
            }
        }
    }

    private readonly record struct Bigram(int Left, int Right, float Score, int Size)
    {
        /// <summary>Highest score first; among equal scores the leftmost pair (llama.cpp's comparator).</summary>
        public bool Before(in Bigram other) => Score > other.Score || (Score == other.Score && Left < other.Left);
    }

    /// <summary>A binary max-heap of candidate merges over a pooled array.</summary>
    private struct BigramHeap : IDisposable
    {
        private Bigram[] _items;
        private int _count;

        public BigramHeap(int capacity) => _items = ArrayPool<Bigram>.Shared.Rent(Math.Max(16, capacity));

        public void Push(Bigram item)
        {
            if (_count == _items.Length)
            {
                var larger = ArrayPool<Bigram>.Shared.Rent(_items.Length * 2);
                _items.AsSpan(0, _count).CopyTo(larger);
                ArrayPool<Bigram>.Shared.Return(_items);
                _items = larger;
            }
            var i = _count++;
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (!item.Before(_items[parent]))
                {
                    break;
                }
                _items[i] = _items[parent];
                i = parent;
            }
            _items[i] = item;
        }

        public bool TryPop(out Bigram top)
        {
            if (_count == 0)
            {
                top = default;
                return false;
            }
            top = _items[0];
            var last = _items[--_count];
            var i = 0;
            while (true)
            {
                var child = (2 * i) + 1;
                if (child >= _count)
                {
                    break;
                }
                if (child + 1 < _count && _items[child + 1].Before(_items[child]))
                {
                    child++;
                }
                if (!_items[child].Before(last))
                {
                    break;
                }
                _items[i] = _items[child];
                i = child;
            }
            if (_count > 0)
            {
                _items[i] = last;
            }
            return true;
        }

        public void Dispose()
        {
            ArrayPool<Bigram>.Shared.Return(_items);
            _items = [];
        }
    }
}

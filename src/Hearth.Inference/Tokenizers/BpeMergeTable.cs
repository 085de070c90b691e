namespace Hearth.Inference.Tokenizers;

/// <summary>
/// Byte-level BPE merge ranks over interned symbols. Symbol ids equal token ids for vocabulary pieces; merge parts
/// and results that are not vocabulary pieces (and the 256 byte characters, if missing) get ids after the vocabulary.
/// A merge maps (left symbol, right symbol) to its rank and the symbol of the concatenation; the first occurrence
/// of a pair wins, as in llama.cpp's <c>bpe_ranks.emplace</c>.
/// </summary>
internal sealed class BpeMergeTable
{
    private readonly Dictionary<string, int> _symbols;
    private readonly List<string> _symbolTexts;
    private readonly Dictionary<ulong, Merge> _merges;

    public BpeMergeTable(string[] pieces, IReadOnlyList<string> merges)
    {
        VocabularySize = pieces.Length;
        _symbols = new Dictionary<string, int>(pieces.Length + (merges.Count / 4), StringComparer.Ordinal);
        _symbolTexts = new List<string>(pieces);
        for (var id = 0; id < pieces.Length; id++)
        {
            _symbols[pieces[id]] = id; // later duplicates win, as in llama.cpp's token_to_id
        }
        _merges = new Dictionary<ulong, Merge>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var line = merges[rank];
            var split = line.Length > 1 ? line.IndexOf(' ', 1) : -1;
            if (split < 0)
            {
                continue; // llama.cpp records such a line as an empty pair that can never match
            }
            var left = Intern(line[..split]);
            var right = Intern(line[(split + 1)..]);
            var result = Intern(string.Concat(line.AsSpan(0, split), line.AsSpan(split + 1)));
            _merges.TryAdd(Key(left, right), new Merge(rank, result));
        }
        ByteSymbols = new int[256];
        for (var b = 0; b < 256; b++)
        {
            ByteSymbols[b] = Intern(ByteLevelAlphabet.ToChar((byte)b).ToString());
        }
        TokenLookup = _symbols.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Number of vocabulary tokens (symbols below this are token ids).</summary>
    public int VocabularySize { get; }

    /// <summary>The symbol of each byte's alphabet character.</summary>
    public int[] ByteSymbols { get; }

    /// <summary>Symbol lookup by text (a symbol below <see cref="VocabularySize"/> is a token id).</summary>
    public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> TokenLookup { get; }

    /// <summary>The text of a symbol.</summary>
    public string SymbolText(int symbol) => _symbolTexts[symbol];

    /// <summary>Looks up the merge of two adjacent symbols.</summary>
    public bool TryGetMerge(int left, int right, out int rank, out int result)
    {
        if (_merges.TryGetValue(Key(left, right), out var merge))
        {
            rank = merge.Rank;
            result = merge.Result;
            return true;
        }
        rank = 0;
        result = -1;
        return false;
    }

    private int Intern(string text)
    {
        if (_symbols.TryGetValue(text, out var id))
        {
            return id;
        }
        id = _symbolTexts.Count;
        _symbolTexts.Add(text);
        _symbols.Add(text, id);
        return id;
    }

    private static ulong Key(int left, int right) => ((ulong)(uint)left << 32) | (uint)right;

    private readonly record struct Merge(int Rank, int Result);
}

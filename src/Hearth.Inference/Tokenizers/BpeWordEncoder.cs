namespace Hearth.Inference.Tokenizers;

/// <summary>
/// Runs byte-level BPE over one pre-token: start from one symbol per byte, repeatedly merge the adjacent pair with
/// the lowest rank (ties: leftmost) until no pair has a merge, then emit token ids. O(n log n) with a binary heap
/// of candidate pairs (stale candidates are skipped when popped), so long hostile words cannot go quadratic.
/// Instances hold scratch buffers and are not thread-safe; use one per thread.
/// </summary>
internal sealed class BpeWordEncoder
{
    private readonly BpeMergeTable _table;
    private int[] _symbols = new int[64];
    private int[] _prev = new int[64];
    private int[] _next = new int[64];
    private Candidate[] _heap = new Candidate[64];
    private int _heapCount;

    public BpeWordEncoder(BpeMergeTable table) => _table = table;

    /// <summary>Size of the scratch buffers (symbols or heap entries), for pooling decisions.</summary>
    public int RetainedCapacity => Math.Max(_symbols.Length, _heap.Length);

    /// <summary>Encodes the bytes of a word; appends token ids to <paramref name="output"/>.</summary>
    public void Encode(ReadOnlySpan<byte> word, List<int> output)
    {
        var n = word.Length;
        if (n == 0)
        {
            return;
        }
        EnsureCapacity(n);
        for (var i = 0; i < n; i++)
        {
            _symbols[i] = _table.ByteSymbols[word[i]];
            _prev[i] = i - 1;
            _next[i] = i + 1 < n ? i + 1 : -1;
        }
        _heapCount = 0;
        for (var i = 0; i + 1 < n; i++)
        {
            TryAdd(i, i + 1);
        }
        while (_heapCount > 0)
        {
            var top = Pop();
            var left = top.Left;
            var right = top.Right;
            if (_symbols[left] != top.LeftSymbol || _symbols[right] != top.RightSymbol || _next[left] != right)
            {
                continue; // stale: one side changed since this pair was queued
            }
            _symbols[left] = top.Result;
            _symbols[right] = -1;
            var after = _next[right];
            _next[left] = after;
            if (after >= 0)
            {
                _prev[after] = left;
            }
            if (_prev[left] >= 0)
            {
                TryAdd(_prev[left], left);
            }
            if (after >= 0)
            {
                TryAdd(left, after);
            }
        }
        for (var i = 0; i != -1; i = _next[i])
        {
            Emit(_symbols[i], output);
        }
    }

    private void Emit(int symbol, List<int> output)
    {
        if (symbol < _table.VocabularySize)
        {
            output.Add(symbol);
            return;
        }
        // Not a token: llama.cpp emits the single-byte pieces of the symbol's text that are tokens.
        foreach (var c in _table.SymbolText(symbol))
        {
            if (c < 0x80 && _table.TokenLookup.TryGetValue([c], out var id) && id < _table.VocabularySize)
            {
                output.Add(id);
            }
        }
    }

    private void TryAdd(int left, int right)
    {
        var leftSymbol = _symbols[left];
        var rightSymbol = _symbols[right];
        if (!_table.TryGetMerge(leftSymbol, rightSymbol, out var rank, out var result))
        {
            return;
        }
        Push(new Candidate(rank, left, right, leftSymbol, rightSymbol, result));
    }

    private void EnsureCapacity(int n)
    {
        if (_symbols.Length < n)
        {
            var size = Math.Max(n, _symbols.Length * 2);
            _symbols = new int[size];
            _prev = new int[size];
            _next = new int[size];
        }
    }

    private static bool Before(in Candidate a, in Candidate b) => a.Rank < b.Rank || (a.Rank == b.Rank && a.Left < b.Left);

    private void Push(Candidate candidate)
    {
        if (_heapCount == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }
        var i = _heapCount++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Before(candidate, _heap[parent]))
            {
                break;
            }
            _heap[i] = _heap[parent];
            i = parent;
        }
        _heap[i] = candidate;
    }

    private Candidate Pop()
    {
        var top = _heap[0];
        var last = _heap[--_heapCount];
        var i = 0;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= _heapCount)
            {
                break;
            }
            if (child + 1 < _heapCount && Before(_heap[child + 1], _heap[child]))
            {
                child++;
            }
            if (!Before(_heap[child], last))
            {
                break;
            }
            _heap[i] = _heap[child];
            i = child;
        }
        if (_heapCount > 0)
        {
            _heap[i] = last;
        }
        return top;
    }

    private readonly record struct Candidate(int Rank, int Left, int Right, int LeftSymbol, int RightSymbol, int Result);
}


namespace Hearth.Inference.Models;

/// <summary>
/// The tokens of one forward pass, from one or more sequences: each sequence adds one contiguous segment of its next tokens,
/// which run at positions <c>cache.Length</c>… of its own KV cache. A cache appears at most once per batch. Reused between
/// steps (<see cref="Clear"/>); allocates nothing after construction.
/// </summary>
internal sealed class SequenceBatch
{
    private readonly int[] _tokens;
    private readonly Segment[] _segments;

    public SequenceBatch(int maxTokens, int maxSegments)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSegments, 1);
        _tokens = new int[maxTokens];
        _segments = new Segment[maxSegments];
    }

    /// <summary>One sequence's part of the batch.</summary>
    /// <param name="Cache">The sequence's KV cache; its tokens run at positions <c>Cache.Length</c> onwards.</param>
    /// <param name="FirstToken">Index of the segment's first token in <see cref="Tokens"/>.</param>
    /// <param name="Count">Tokens in the segment.</param>
    /// <param name="Logits">Receives the logits of the segment's last token, or null when not wanted (a prompt chunk that is not the last).</param>
    /// <param name="Hidden">Receives the output-normalised hidden state of each token (rows of the embedding length), or null.</param>
    /// <param name="HiddenFirstRow">Row of <paramref name="Hidden"/> that the segment's first token writes.</param>
    public readonly record struct Segment(KvCache Cache, int FirstToken, int Count, float[]? Logits, float[]? Hidden, int HiddenFirstRow);

    public int TokenCount { get; private set; }

    public int SegmentCount { get; private set; }

    public int MaxTokens => _tokens.Length;

    public ReadOnlySpan<int> Tokens => _tokens.AsSpan(0, TokenCount);

    public ref readonly Segment this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)SegmentCount, nameof(index));
            return ref _segments[index];
        }
    }

    public void Clear()
    {
        Array.Clear(_segments, 0, SegmentCount);   // drop references to caches and buffers of finished sequences
        TokenCount = 0;
        SegmentCount = 0;
    }

    /// <exception cref="ArgumentException">The batch is full, the tokens are empty, or the cache is already in the batch.</exception>
    public void Add(KvCache cache, ReadOnlySpan<int> tokens, float[]? logits, float[]? hidden = null, int hiddenFirstRow = 0)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (tokens.IsEmpty)
        {
            throw new ArgumentException("A segment needs at least one token.", nameof(tokens));
        }
        if (SegmentCount == _segments.Length || TokenCount + tokens.Length > _tokens.Length)
        {
            throw new ArgumentException($"The batch holds at most {_segments.Length} segments and {_tokens.Length} tokens.", nameof(tokens));
        }
        for (var i = 0; i < SegmentCount; i++)
        {
            if (ReferenceEquals(_segments[i].Cache, cache))
            {
                throw new ArgumentException("A sequence's cache can appear only once in a batch.", nameof(cache));
            }
        }
        tokens.CopyTo(_tokens.AsSpan(TokenCount));
        _segments[SegmentCount++] = new Segment(cache, TokenCount, tokens.Length, logits, hidden, hiddenFirstRow);
        TokenCount += tokens.Length;
    }
}

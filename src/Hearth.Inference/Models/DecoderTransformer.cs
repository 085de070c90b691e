using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Hearth.Inference.Kernels;
using Hearth.Inference.Models.Blocks;

namespace Hearth.Inference.Models;

/// <summary>
/// The forward pass shared by the Llama-like architectures: embedding lookup, then per block pre-RMSNorm → Q/K/V (+bias) →
/// RoPE → causal GQA attention over each token's own sequence KV cache → output projection → residual, RMSNorm → SwiGLU FFN →
/// residual; final RMSNorm and classifier. A batch of T tokens — one sequence's prompt chunk, or the next tokens of several
/// sequences (<see cref="SequenceBatch"/>) — moves through the blocks as a [T × dim] matrix, so every projection is one
/// matrix-matrix <see cref="MatMul"/> product whatever sequences the rows belong to; Q/K/V share one fused call and gate/up
/// another (the activations are quantized once and the threads forked once per group), so a block makes 4 matmul calls, not 7;
/// attention runs in parallel over (token, head) pairs on the <see cref="ComputePool"/>, each token reading its own sequence's
/// cache up to its own position. Every kernel computes a token's row alone (no sums across tokens), so a token's result does
/// not depend on which other tokens share its batch.
/// Not thread-safe: one forward step at a time per instance (it owns the scratch buffers).
/// </summary>
internal sealed unsafe class DecoderTransformer
{
    private readonly ModelHyperparameters _hp;
    private readonly TransformerWeights _w;
    private readonly ComputePool _pool;
    private readonly RotaryEmbedding _rope;
    private readonly int _maxBatch;
    private readonly float[] _x, _xb, _q, _k, _v, _attention, _gate, _up;
    private readonly float[] _ropeCos, _ropeSin;   // [batch token][pair], computed once per batch, reused by every layer
    private readonly KvCache?[] _tokenCache;       // [batch token] the cache (sequence) the token belongs to
    private readonly int[] _tokenPosition;         // [batch token] its position in that sequence
    private readonly AttentionBody _attentionBody;
    private float[] _logitRows = [];               // [segment][vocabulary] when several segments want logits (grown on demand)

    /// <summary>Attention below this many multiply-adds (≈ a few µs) runs on the calling thread alone.</summary>
    private const long InlineAttentionWork = 16 * 1024;

    public DecoderTransformer(ModelHyperparameters hyperparameters, TransformerWeights weights, ComputePool pool, int maxBatchTokens, int maxContextTokens)
    {
        _hp = hyperparameters;
        _w = weights;
        _pool = pool;
        _maxBatch = maxBatchTokens;
        _rope = new RotaryEmbedding(_hp.HeadDimension, _hp.RopeDimensionCount, _hp.RopeFrequencyBase, _hp.RopeStyle, _hp.RopeScaling, _hp.RopeFrequencyFactors);
        _x = new float[maxBatchTokens * _hp.EmbeddingLength];
        _xb = new float[maxBatchTokens * _hp.EmbeddingLength];
        _q = new float[maxBatchTokens * _hp.QueryDimension];
        _k = new float[maxBatchTokens * _hp.KvDimension];
        _v = new float[maxBatchTokens * _hp.KvDimension];
        _attention = new float[maxBatchTokens * _hp.QueryDimension];
        _gate = new float[maxBatchTokens * _hp.FeedForwardLength];
        _up = new float[maxBatchTokens * _hp.FeedForwardLength];
        _ropeCos = new float[maxBatchTokens * (_hp.RopeDimensionCount / 2)];
        _ropeSin = new float[maxBatchTokens * (_hp.RopeDimensionCount / 2)];
        _tokenCache = new KvCache?[maxBatchTokens];
        _tokenPosition = new int[maxBatchTokens];
        _attentionBody = new AttentionBody(this, pool.ThreadCount, maxContextTokens);
    }

    public ModelHyperparameters Hyperparameters => _hp;

    public TransformerWeights Weights => _w;

    /// <summary>Most tokens one <see cref="Forward(SequenceBatch)"/> takes (the scratch buffers' size).</summary>
    public int MaxBatchTokens => _maxBatch;

    /// <summary>
    /// Runs <paramref name="tokens"/> of one sequence at positions <c>cache.Length</c>… (in batches of at most
    /// <see cref="MaxBatchTokens"/>) and appends them to the cache. Writes the last token's logits to <paramref name="logits"/>
    /// (if not empty) and every token's output-normalised hidden state (tokens × dim) to <paramref name="normalizedHidden"/>
    /// (if not empty).
    /// </summary>
    public void Forward(ReadOnlySpan<int> tokens, KvCache cache, Span<float> logits, Span<float> normalizedHidden)
    {
        if (cache.Length + tokens.Length > cache.CapacityTokens)
        {
            throw new ContextOverflowException(cache.Length + tokens.Length, cache.CapacityTokens);
        }
        var dim = _hp.EmbeddingLength;
        for (var start = 0; start < tokens.Length; start += _maxBatch)
        {
            var batch = tokens.Slice(start, Math.Min(_maxBatch, tokens.Length - start));
            var last = start + batch.Length == tokens.Length;
            var t = batch.Length;
            Place(cache, 0, t);
            ForwardLayers(batch);
            cache.Length += t;
            if (!normalizedHidden.IsEmpty)
            {
                RmsNorm.ApplyRows(_x, t, _w.OutputNorm, _hp.RmsNormEpsilon, normalizedHidden.Slice(start * dim, t * dim));
            }
            if (last && !logits.IsEmpty)
            {
                var final = _xb.AsSpan(0, dim);
                RmsNorm.Apply(_x.AsSpan((t - 1) * dim, dim), _w.OutputNorm, _hp.RmsNormEpsilon, final);
                MatMul.Multiply(_w.Output, final, 1, logits[.._hp.VocabularySize], _pool);
            }
        }
    }

    /// <summary>
    /// Runs one step for several sequences as one [T × dim] pass (T = <see cref="SequenceBatch.TokenCount"/> ≤
    /// <see cref="MaxBatchTokens"/>): each segment's tokens go to its cache at positions <c>cache.Length</c>…, its logits
    /// (last token) and hidden states to its own buffers. The logits of all segments that want them are one classifier
    /// product. Checks every segment's capacity before touching any cache.
    /// </summary>
    /// <exception cref="ContextOverflowException">A segment does not fit its cache.</exception>
    /// <exception cref="ArgumentException">The batch has more tokens than <see cref="MaxBatchTokens"/>.</exception>
    public void Forward(SequenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.TokenCount > _maxBatch)
        {
            throw new ArgumentException($"The batch has {batch.TokenCount} tokens; this transformer takes at most {_maxBatch}.", nameof(batch));
        }
        for (var s = 0; s < batch.SegmentCount; s++)
        {
            ref readonly var seg = ref batch[s];
            if (seg.Cache.Length + seg.Count > seg.Cache.CapacityTokens)
            {
                throw new ContextOverflowException(seg.Cache.Length + seg.Count, seg.Cache.CapacityTokens);
            }
        }
        if (batch.TokenCount == 0)
        {
            return;
        }
        var wantLogits = 0;
        for (var s = 0; s < batch.SegmentCount; s++)
        {
            ref readonly var seg = ref batch[s];
            Place(seg.Cache, seg.FirstToken, seg.Count);
            wantLogits += seg.Logits is null ? 0 : 1;
        }
        ForwardLayers(batch.Tokens);

        var dim = _hp.EmbeddingLength;
        var vocabulary = _hp.VocabularySize;
        var row = 0;
        for (var s = 0; s < batch.SegmentCount; s++)
        {
            ref readonly var seg = ref batch[s];
            seg.Cache.Length += seg.Count;
            if (seg.Hidden is not null)
            {
                RmsNorm.ApplyRows(_x.AsSpan(seg.FirstToken * dim, seg.Count * dim), seg.Count, _w.OutputNorm, _hp.RmsNormEpsilon,
                    seg.Hidden.AsSpan(seg.HiddenFirstRow * dim, seg.Count * dim));
            }
            if (seg.Logits is not null)
            {
                // Final norm of the segment's last token into row `row` of _xb (free now: the layers are done).
                RmsNorm.Apply(_x.AsSpan((seg.FirstToken + seg.Count - 1) * dim, dim), _w.OutputNorm, _hp.RmsNormEpsilon, _xb.AsSpan(row * dim, dim));
                row++;
            }
        }
        if (wantLogits == 1)
        {
            for (var s = 0; s < batch.SegmentCount; s++)
            {
                if (batch[s].Logits is { } only)
                {
                    MatMul.Multiply(_w.Output, _xb.AsSpan(0, dim), 1, only.AsSpan(0, vocabulary), _pool);
                }
            }
        }
        else if (wantLogits > 1)
        {
            if (_logitRows.Length < wantLogits * vocabulary)
            {
                _logitRows = new float[wantLogits * vocabulary];
            }
            MatMul.Multiply(_w.Output, _xb.AsSpan(0, wantLogits * dim), wantLogits, _logitRows.AsSpan(0, wantLogits * vocabulary), _pool);
            row = 0;
            for (var s = 0; s < batch.SegmentCount; s++)
            {
                if (batch[s].Logits is { } logits)
                {
                    _logitRows.AsSpan(row * vocabulary, vocabulary).CopyTo(logits);
                    row++;
                }
            }
        }
        Array.Clear(_tokenCache, 0, batch.TokenCount);   // hold no cache of a finished sequence
    }

    /// <summary>Assigns batch tokens [first, first + count) to <paramref name="cache"/> at positions cache.Length….</summary>
    private void Place(KvCache cache, int first, int count)
    {
        for (var i = 0; i < count; i++)
        {
            _tokenCache[first + i] = cache;
            _tokenPosition[first + i] = cache.Length + i;
        }
    }

    // Hot paths are compiled fully optimised at once (no tier-0 code or on-stack replacement during the first requests).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardLayers(ReadOnlySpan<int> tokens)
    {
        var t = tokens.Length;
        var dim = _hp.EmbeddingLength;
        var qDim = _hp.QueryDimension;
        var kvDim = _hp.KvDimension;
        var hidden = _hp.FeedForwardLength;
        var x = _x.AsSpan(0, t * dim);
        var xb = _xb.AsSpan(0, t * dim);
        var q = _q.AsSpan(0, t * qDim);
        var k = _k.AsSpan(0, t * kvDim);
        var v = _v.AsSpan(0, t * kvDim);
        var attention = _attention.AsSpan(0, t * qDim);
        var gate = _gate.AsSpan(0, t * hidden);
        var up = _up.AsSpan(0, t * hidden);

        Embed(tokens, x);
        var pairs = _hp.RopeDimensionCount / 2;
        var maxPositions = 0;
        for (var i = 0; i < t; i++)
        {
            _rope.Angles(_tokenPosition[i], _ropeCos.AsSpan(i * pairs, pairs), _ropeSin.AsSpan(i * pairs, pairs));
            maxPositions = Math.Max(maxPositions, _tokenPosition[i] + 1);
        }
        var items = t * _hp.HeadCount;
        var inlineAttention = (long)items * maxPositions * _hp.HeadDimension < InlineAttentionWork;

        for (var layer = 0; layer < _w.Layers.Length; layer++)
        {
            var lw = _w.Layers[layer];

            // Attention.
            RmsNorm.ApplyRows(x, t, lw.AttentionNorm, _hp.RmsNormEpsilon, xb);
            MatMul.Multiply(lw.Query, lw.Key, lw.Value, xb, t, q, k, v, _pool);   // x quantized once, one fork/join
            for (var i = 0; i < t; i++)
            {
                var qi = q.Slice(i * qDim, qDim);
                var ki = k.Slice(i * kvDim, kvDim);
                var vi = v.Slice(i * kvDim, kvDim);
                if (lw.QueryBias is not null)
                {
                    TensorPrimitives.Add(qi, lw.QueryBias, qi);
                }
                if (lw.KeyBias is not null)
                {
                    TensorPrimitives.Add(ki, lw.KeyBias, ki);
                }
                if (lw.ValueBias is not null)
                {
                    TensorPrimitives.Add(vi, lw.ValueBias, vi);
                }
                var cos = _ropeCos.AsSpan(i * pairs, pairs);
                var sin = _ropeSin.AsSpan(i * pairs, pairs);
                _rope.Rotate(qi, _hp.HeadCount, cos, sin);
                _rope.Rotate(ki, _hp.HeadCountKv, cos, sin);
                _tokenCache[i]!.Store(layer, _tokenPosition[i], ki, vi);
            }
            _attentionBody.Prepare(layer);
            if (inlineAttention)
            {
                _attentionBody.Run(0, items, 0);   // too little work to pay for waking the other threads
            }
            else
            {
                _pool.For(items, _attentionBody);
            }
            MatMul.Multiply(lw.AttentionOutput, attention, t, xb, _pool);
            TensorPrimitives.Add(x, xb, x);

            // Feed-forward.
            RmsNorm.ApplyRows(x, t, lw.FeedForwardNorm, _hp.RmsNormEpsilon, xb);
            MatMul.Multiply(lw.Gate, lw.Up, xb, t, gate, up, _pool);
            SwiGlu.Apply(gate, up);
            MatMul.Multiply(lw.Down, gate, t, xb, _pool);
            TensorPrimitives.Add(x, xb, x);
        }
    }

    private void Embed(ReadOnlySpan<int> tokens, Span<float> x)
    {
        var dim = _hp.EmbeddingLength;
        var e = _w.TokenEmbedding;
        for (var i = 0; i < tokens.Length; i++)
        {
            var id = tokens[i];
            if ((uint)id >= (uint)e.Rows)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), id, $"Token id {id} is outside the vocabulary of {e.Rows}.");
            }
            var row = new ReadOnlySpan<byte>(e.Data + (id * e.RowBytes), checked((int)e.RowBytes));
            Quantization.DequantizeRow(e.Type, row, x.Slice(i * dim, dim));
        }
    }

    /// <summary>
    /// Attention for (token, head) work items, each token over its own sequence's cache up to its own position; per-worker
    /// scratch so workers never share buffers.
    /// </summary>
    private sealed class AttentionBody : IParallelBody
    {
        private readonly DecoderTransformer _owner;
        private readonly float[][] _scores;
        private readonly float[][] _rows;
        private readonly float _scale;
        private int _layer;

        public AttentionBody(DecoderTransformer owner, int workers, int maxContextTokens)
        {
            _owner = owner;
            _scores = new float[workers][];
            _rows = new float[workers][];
            for (var i = 0; i < workers; i++)
            {
                _scores[i] = new float[maxContextTokens];
                _rows[i] = new float[owner._hp.HeadDimension];
            }
            _scale = 1f / MathF.Sqrt(owner._hp.HeadDimension);
        }

        public void Prepare(int layer) => _layer = layer;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end, int worker)
        {
            var hp = _owner._hp;
            var headDim = hp.HeadDimension;
            var groupSize = hp.HeadCount / hp.HeadCountKv;
            var qDim = hp.QueryDimension;
            for (var item = start; item < end; item++)
            {
                var token = item / hp.HeadCount;
                var head = item % hp.HeadCount;
                var offset = (token * qDim) + (head * headDim);
                CausalAttention.Compute(
                    _owner._q.AsSpan(offset, headDim), _owner._tokenCache[token]!, _layer, head / groupSize, _owner._tokenPosition[token] + 1, _scale,
                    _scores[worker], _rows[worker], _owner._attention.AsSpan(offset, headDim));
            }
        }
    }
}

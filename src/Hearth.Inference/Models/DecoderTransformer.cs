using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Hearth.Inference.Engine;
using Hearth.Inference.Kernels;
using Hearth.Inference.Models.Blocks;

namespace Hearth.Inference.Models;

/// <summary>
/// The forward pass shared by the Llama-like architectures: embedding lookup, then per block pre-RMSNorm → Q/K/V (+bias) →
/// RoPE → causal GQA attention over the sequence's KV cache → output projection → residual, RMSNorm → SwiGLU FFN → residual;
/// final RMSNorm and classifier. A batch of T tokens moves through the blocks as a [T × dim] matrix, so every projection is one
/// matrix-matrix <see cref="MatMul"/> product; Q/K/V share one fused call and gate/up another (the activations are quantized
/// once and the threads forked once per group), so a block makes 4 matmul calls, not 7; attention runs in parallel over (token, head) pairs on the <see cref="ComputePool"/>.
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
    private readonly AttentionBody _attentionBody;

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
        _attentionBody = new AttentionBody(this, pool.ThreadCount, maxContextTokens);
    }

    public ModelHyperparameters Hyperparameters => _hp;

    public TransformerWeights Weights => _w;

    /// <summary>
    /// Runs <paramref name="tokens"/> at positions <c>cache.Length</c>… and appends them to the cache. Writes the last token's
    /// logits to <paramref name="logits"/> (if not empty) and every token's output-normalised hidden state (tokens × dim) to
    /// <paramref name="normalizedHidden"/> (if not empty).
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
            ForwardBatch(batch, cache);
            var t = batch.Length;
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

    // Hot paths are compiled fully optimised at once (no tier-0 code or on-stack replacement during the first requests).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardBatch(ReadOnlySpan<int> tokens, KvCache cache)
    {
        var t = tokens.Length;
        var dim = _hp.EmbeddingLength;
        var qDim = _hp.QueryDimension;
        var kvDim = _hp.KvDimension;
        var hidden = _hp.FeedForwardLength;
        var startPosition = cache.Length;
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
        for (var i = 0; i < t; i++)
        {
            _rope.Angles(startPosition + i, _ropeCos.AsSpan(i * pairs, pairs), _ropeSin.AsSpan(i * pairs, pairs));
        }

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
                cache.Store(layer, startPosition + i, ki, vi);
            }
            _attentionBody.Prepare(cache, layer, startPosition, t);
            var items = t * _hp.HeadCount;
            if ((long)items * (startPosition + t) * _hp.HeadDimension < InlineAttentionWork)
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
        cache.Length = startPosition + t;
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

    /// <summary>Attention for (token, head) work items; per-worker scratch so workers never share buffers.</summary>
    private sealed class AttentionBody : IParallelBody
    {
        private readonly DecoderTransformer _owner;
        private readonly float[][] _scores;
        private readonly float[][] _rows;
        private readonly float _scale;
        private KvCache? _cache;
        private int _layer, _startPosition;

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

        public void Prepare(KvCache cache, int layer, int startPosition, int tokens)
        {
            _ = tokens;
            _cache = cache;
            _layer = layer;
            _startPosition = startPosition;
        }

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
                    _owner._q.AsSpan(offset, headDim), _cache!, _layer, head / groupSize, _startPosition + token + 1, _scale,
                    _scores[worker], _rows[worker], _owner._attention.AsSpan(offset, headDim));
            }
        }
    }
}

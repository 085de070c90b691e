namespace Hearth.Inference.Models;

/// <summary>
/// Keys and values of one sequence, per layer and position: layout [layer][position][kvDim], F32 or F16.
/// Capacity is fixed at creation (prompt + output budget, at most the context window), so memory is bounded and known.
/// </summary>
internal sealed class KvCache
{
    private readonly float[]? _keys32;
    private readonly float[]? _values32;
    private readonly Half[]? _keys16;
    private readonly Half[]? _values16;

    public KvCache(int layers, int capacityTokens, int kvDim, KvCacheElementType type)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kvDim, 1);
        Layers = layers;
        CapacityTokens = capacityTokens;
        KvDim = kvDim;
        ElementType = type;
        var elements = checked((long)layers * capacityTokens * kvDim);
        if (elements > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(capacityTokens), capacityTokens, $"A KV cache of {elements} elements per tensor is too large; use a smaller context.");
        }
        if (type == KvCacheElementType.F32)
        {
            _keys32 = new float[elements];
            _values32 = new float[elements];
        }
        else
        {
            _keys16 = new Half[elements];
            _values16 = new Half[elements];
        }
    }

    public int Layers { get; }

    public int CapacityTokens { get; }

    public int KvDim { get; }

    public KvCacheElementType ElementType { get; }

    /// <summary>Positions filled so far (the next token's position).</summary>
    public int Length { get; set; }

    /// <summary>Bytes held by the cache.</summary>
    public long Bytes => 2L * Layers * CapacityTokens * KvDim * (ElementType == KvCacheElementType.F32 ? 4 : 2);

    /// <summary>Stores the key and value vectors (each <see cref="KvDim"/> long) of one position.</summary>
    public void Store(int layer, int position, ReadOnlySpan<float> key, ReadOnlySpan<float> value)
    {
        if ((uint)position >= (uint)CapacityTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position, $"Position beyond the KV cache capacity of {CapacityTokens}.");
        }
        var offset = Offset(layer, position);
        if (_keys32 is not null)
        {
            key[..KvDim].CopyTo(_keys32.AsSpan(offset, KvDim));
            value[..KvDim].CopyTo(_values32.AsSpan(offset, KvDim));
        }
        else
        {
            System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(key[..KvDim], _keys16.AsSpan(offset, KvDim));
            System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(value[..KvDim], _values16.AsSpan(offset, KvDim));
        }
    }

    /// <summary>F32 keys of a layer for positions [0, count), row stride <see cref="KvDim"/>; null when the cache is F16.</summary>
    public ReadOnlySpan<float> Keys32(int layer, int count) => _keys32 is null ? default : _keys32.AsSpan(Offset(layer, 0), count * KvDim);

    public ReadOnlySpan<float> Values32(int layer, int count) => _values32 is null ? default : _values32.AsSpan(Offset(layer, 0), count * KvDim);

    public ReadOnlySpan<Half> Keys16(int layer, int count) => _keys16 is null ? default : _keys16.AsSpan(Offset(layer, 0), count * KvDim);

    public ReadOnlySpan<Half> Values16(int layer, int count) => _values16 is null ? default : _values16.AsSpan(Offset(layer, 0), count * KvDim);

    private int Offset(int layer, int position) => ((layer * CapacityTokens) + position) * KvDim;
}

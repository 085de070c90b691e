using Hearth.Inference.Gguf;

namespace Hearth.Inference.Kernels;

/// <summary>
/// A 2-D weight over unmanaged memory (typically a memory-mapped GGUF tensor): <see cref="Rows"/> × <see cref="Cols"/>,
/// row-major, each row <see cref="RowBytes"/> long in <see cref="Type"/>'s block layout. The memory must outlive every use.
/// </summary>
public readonly unsafe struct WeightMatrix
{
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="cols"/> is not a whole number of the type's blocks.</exception>
    /// <exception cref="NotSupportedException">The type is not one of <see cref="GgmlTypeInfo.Supported"/>.</exception>
    public WeightMatrix(byte* data, GgmlType type, int rows, int cols)
    {
        if (data == null)
        {
            throw new ArgumentNullException(nameof(data));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        if (!GgmlTypeInfo.IsSupported(type))
        {
            throw new NotSupportedException($"Weights of type {type} cannot be multiplied; supported: {string.Join(", ", GgmlTypeInfo.Supported)}.");
        }
        Data = data;
        Type = type;
        Rows = rows;
        Cols = cols;
        RowBytes = GgmlTypeInfo.RowBytes(type, cols);
    }

    public byte* Data { get; }
    public GgmlType Type { get; }
    public int Rows { get; }
    public int Cols { get; }
    public long RowBytes { get; }

    /// <summary>Total bytes of the matrix (what one mat-vec streams from memory).</summary>
    public long TotalBytes => RowBytes * Rows;

    /// <summary>Expands row <paramref name="row"/> into <paramref name="destination"/> (at least <see cref="Cols"/> floats), e.g. an embedding lookup.</summary>
    public void DequantizeRow(int row, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        Quantization.DequantizeRow(Type, new ReadOnlySpan<byte>(Data + row * RowBytes, checked((int)RowBytes)), destination[..Cols]);
    }
}

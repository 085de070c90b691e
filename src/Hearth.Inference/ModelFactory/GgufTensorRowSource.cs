using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.ModelFactory;

/// <summary>Rows of a tensor in an open <see cref="GgufFile"/>, dequantized to floats.</summary>
public sealed unsafe class GgufTensorRowSource : IRowSource
{
    private readonly byte* _data;
    private readonly GgmlType _type;
    private readonly long _rowBytes;
    private readonly long _rows;

    public GgufTensorRowSource(GgufFile file, GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(tensor);
        if (!GgmlTypeInfo.IsRowFormat(tensor.Type))
        {
            throw new NotSupportedException(
                $"Tensor '{tensor.Name}' is {tensor.Type}; Hearth can requantize from {string.Join(", ", GgmlTypeInfo.RowFormats)} only.");
        }
        if (tensor.ColumnCount > int.MaxValue)
        {
            throw new NotSupportedException($"Tensor '{tensor.Name}' has rows of {tensor.ColumnCount} elements, more than one span holds.");
        }
        _data = file.GetTensorPointer(tensor);
        _type = tensor.Type;
        _rowBytes = GgmlTypeInfo.RowBytes(tensor.Type, tensor.ColumnCount);
        _rows = tensor.RowCount;
    }

    public void ReadRow(long row, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((ulong)row, (ulong)_rows, nameof(row));
        Quantization.DequantizeRow(_type, new ReadOnlySpan<byte>(_data + row * _rowBytes, (int)_rowBytes), destination);
    }
}

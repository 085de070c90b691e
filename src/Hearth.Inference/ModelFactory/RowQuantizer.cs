using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.ModelFactory;

/// <summary>Supplies the float values of one row of a tensor. Must be safe to call concurrently for different rows.</summary>
public interface IRowSource
{
    /// <summary>Fills <paramref name="destination"/> (one row, <c>ne0</c> floats) with row <paramref name="row"/>.</summary>
    void ReadRow(long row, Span<float> destination);
}

/// <summary>
/// Quantizes a tensor row by row into a stream, in parallel over rows and in bounded chunks, so a tensor of any size
/// needs only a few megabytes of managed memory.
/// </summary>
public static class RowQuantizer
{
    /// <summary>Output bytes buffered per chunk before it is written (8 MiB).</summary>
    public const int ChunkBytes = 8 << 20;

    /// <summary>Writes <paramref name="rows"/> rows of <paramref name="columns"/> floats from <paramref name="source"/> as <paramref name="type"/>.</summary>
    public static void Write(IRowSource source, long rows, int columns, GgmlType type, Stream destination, int threads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var rowBytes = (int)GgmlTypeInfo.RowBytes(type, columns);
        var rowsPerChunk = (int)Math.Clamp(ChunkBytes / Math.Max(rowBytes, 1), 1, rows);
        var buffer = new byte[(long)rowsPerChunk * rowBytes];
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        for (long first = 0; first < rows; first += rowsPerChunk)
        {
            var count = (int)Math.Min(rowsPerChunk, rows - first);
            var chunkStart = first;
            Parallel.For(0, count, options, () => new float[columns], (i, _, floats) =>
            {
                source.ReadRow(chunkStart + i, floats);
                Quantization.QuantizeRow(type, floats, buffer.AsSpan(i * rowBytes, rowBytes));
                return floats;
            }, _ => { });
            destination.Write(buffer, 0, count * rowBytes);
        }
    }
}

using Hearth.Inference.Gguf;

namespace Hearth.Inference.ModelFactory;

/// <summary>What <see cref="GgufQuantizer.Quantize"/> wrote.</summary>
public sealed record QuantizeResult(string OutputPath, long InputBytes, long OutputBytes, IReadOnlyDictionary<GgmlType, int> TensorCountByType);

/// <summary>
/// Requantizes a GGUF model: every metadata key is copied (with <c>general.file_type</c> and
/// <c>general.quantization_version</c> updated), every tensor is stored in the type <see cref="WeightTypePlan"/> chooses.
/// Tensors already in their chosen type are copied byte for byte; others are dequantized row by row and requantized in
/// parallel, streaming to disk.
/// </summary>
public static unsafe class GgufQuantizer
{
    /// <summary>ggml's quantization format version (the block layouts Hearth writes).</summary>
    public const uint QuantizationVersion = 2;

    public static QuantizeResult Quantize(string inputPath, string outputPath, QuantizationTarget target, int threads,
        IProgress<TensorProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        using var input = GgufFile.Open(inputPath);
        var writer = new GgufWriter { Alignment = input.Alignment };
        foreach (var entry in input.Metadata)
        {
            if (entry.Key is not (GgufNames.FileType or GgufNames.Alignment or GgufNames.QuantizationVersion))
            {
                writer.Add(entry.Key, entry.Value);
            }
        }
        writer.Add(GgufNames.FileType, (uint)WeightTypePlan.FileType(target));
        writer.Add(GgufNames.QuantizationVersion, QuantizationVersion);

        var counts = new Dictionary<GgmlType, int>();
        var tensors = input.Tensors;
        for (var i = 0; i < tensors.Count; i++)
        {
            var tensor = tensors[i];
            var type = WeightTypePlan.Choose(target, tensor.Name, tensor.Dimensions, tensor.Type);
            counts[type] = counts.GetValueOrDefault(type) + 1;
            var bytes = GgmlTypeInfo.RowBytes(type, tensor.ColumnCount) * tensor.RowCount;
            var index = i;
            writer.AddTensor(tensor.Name, type, tensor.Dimensions, bytes, stream =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                input.EnsureIntact();
                progress?.Report(new TensorProgress(index, tensors.Count, tensor.Name, type, bytes));
                if (type == tensor.Type)
                {
                    CopyRaw(input, tensor, stream);
                }
                else
                {
                    var source = new GgufTensorRowSource(input, tensor);
                    RowQuantizer.Write(source, tensor.RowCount, (int)tensor.ColumnCount, type, stream, threads, cancellationToken);
                }
            });
        }
        writer.WriteTo(outputPath);
        return new QuantizeResult(Path.GetFullPath(outputPath), input.FileBytes, new FileInfo(outputPath).Length, counts);
    }

    private static void CopyRaw(GgufFile file, GgufTensorInfo tensor, Stream destination)
    {
        var pointer = file.GetTensorPointer(tensor);
        for (long done = 0; done < tensor.ByteSize;)
        {
            var n = (int)Math.Min(1 << 20, tensor.ByteSize - done);
            destination.Write(new ReadOnlySpan<byte>(pointer + done, n));
            done += n;
        }
    }
}

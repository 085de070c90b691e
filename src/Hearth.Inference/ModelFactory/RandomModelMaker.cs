using Hearth.Inference.Gguf;

namespace Hearth.Inference.ModelFactory;

/// <summary>Options for <see cref="RandomModelMaker.Make"/>.</summary>
public sealed record MakeModelOptions(ModelShape Shape, QuantizationTarget Target, string OutputPath, string VocabularyPath)
{
    /// <summary>Seed of every weight; the same seed gives the same file.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Threads quantizing rows in parallel.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Standard deviation of weight matrices (0.02, the usual initializer range); norms are 1 ± the same.</summary>
    public float WeightStandardDeviation { get; init; } = 0.02f;
}

/// <summary>What <see cref="RandomModelMaker.Make"/> wrote.</summary>
public sealed record MakeModelResult(string OutputPath, long OutputBytes, long ParameterCount, int VocabularySize, IReadOnlyDictionary<GgmlType, int> TensorCountByType);

/// <summary>
/// Writes a <c>llama</c>-architecture GGUF with a real model's shape, seeded random weights and a real vocabulary
/// (every <c>tokenizer.*</c> key copied from a vocabulary GGUF; the vocabulary size is its token count). For benchmarks
/// and loader tests of big shapes without downloading weights. Tensors are generated and quantized row by row straight
/// to disk, so a 1.1B-parameter model needs a few MB of managed memory.
/// </summary>
public static class RandomModelMaker
{
    private const string Arch = "llama";

    public static MakeModelResult Make(MakeModelOptions options, IProgress<TensorProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var shape = options.Shape;
        shape.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1);

        var writer = new GgufWriter();
        int vocabSize;
        using (var vocab = GgufFile.Open(options.VocabularyPath))
        {
            vocabSize = vocab.GetStringArray(GgufNames.TokenizerTokens)?.Length
                ?? throw new GgufFormatException(vocab.FilePath, $"metadata[\"{GgufNames.TokenizerTokens}\"]", 0, "the vocabulary file has no token list.");
            AddModelMetadata(writer, shape, options.Target, vocabSize);
            foreach (var entry in vocab.Metadata.Where(e => e.Key.StartsWith(GgufNames.TokenizerPrefix, StringComparison.Ordinal)))
            {
                writer.Add(entry.Key, entry.Value);
            }
        }

        var tensors = Tensors(shape, vocabSize);
        var counts = new Dictionary<GgmlType, int>();
        long parameters = 0;
        for (var i = 0; i < tensors.Count; i++)
        {
            var (name, dims) = tensors[i];
            var type = WeightTypePlan.Choose(options.Target, name, dims, GgmlType.F32);
            counts[type] = counts.GetValueOrDefault(type) + 1;
            var rows = dims.Length == 1 ? 1 : dims[1];
            parameters += dims[0] * rows;
            var bytes = GgmlTypeInfo.RowBytes(type, dims[0]) * rows;
            var isNorm = dims.Length == 1;
            var source = new GaussianRowSource(options.Seed, i, isNorm ? 1f : 0f, options.WeightStandardDeviation);
            var index = i;
            writer.AddTensor(name, type, dims, bytes, stream =>
            {
                progress?.Report(new TensorProgress(index, tensors.Count, name, type, bytes));
                RowQuantizer.Write(source, rows, (int)dims[0], type, stream, options.Threads, cancellationToken);
            });
        }
        writer.WriteTo(options.OutputPath);
        return new MakeModelResult(Path.GetFullPath(options.OutputPath), new FileInfo(options.OutputPath).Length, parameters, vocabSize, counts);
    }

    /// <summary>Tensor names and ggml dimensions (<c>[cols, rows]</c>) of a llama model of <paramref name="shape"/>.</summary>
    public static IReadOnlyList<(string Name, long[] Dimensions)> Tensors(ModelShape shape, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long d = shape.EmbeddingLength, f = shape.FeedForwardLength, kv = shape.KvDim;
        var list = new List<(string, long[])> { (GgufNames.TokenEmbedding, [d, vocabSize]) };
        for (var b = 0; b < shape.BlockCount; b++)
        {
            list.Add((GgufNames.AttnNorm(b), [d]));
            list.Add((GgufNames.AttnQ(b), [d, d]));
            list.Add((GgufNames.AttnK(b), [d, kv]));
            list.Add((GgufNames.AttnV(b), [d, kv]));
            list.Add((GgufNames.AttnOutput(b), [d, d]));
            list.Add((GgufNames.FfnNorm(b), [d]));
            list.Add((GgufNames.FfnGate(b), [d, f]));
            list.Add((GgufNames.FfnUp(b), [d, f]));
            list.Add((GgufNames.FfnDown(b), [f, d]));
        }
        list.Add((GgufNames.OutputNorm, [d]));
        if (!shape.TiedEmbeddings)
        {
            list.Add((GgufNames.Output, [d, vocabSize]));
        }
        return list;
    }

    private static void AddModelMetadata(GgufWriter writer, ModelShape shape, QuantizationTarget target, int vocabSize)
    {
        writer.Add(GgufNames.Architecture, Arch);
        writer.Add(GgufNames.Name, $"{shape.Name} (random weights)");
        writer.Add(GgufNames.FileType, (uint)WeightTypePlan.FileType(target));
        writer.Add(GgufNames.QuantizationVersion, GgufQuantizer.QuantizationVersion);
        writer.Add(GgufNames.ContextLength(Arch), (uint)shape.ContextLength);
        writer.Add(GgufNames.EmbeddingLength(Arch), (uint)shape.EmbeddingLength);
        writer.Add(GgufNames.FeedForwardLength(Arch), (uint)shape.FeedForwardLength);
        writer.Add(GgufNames.BlockCount(Arch), (uint)shape.BlockCount);
        writer.Add(GgufNames.HeadCount(Arch), (uint)shape.HeadCount);
        writer.Add(GgufNames.HeadCountKv(Arch), (uint)shape.HeadCountKv);
        writer.Add(GgufNames.RopeDimensionCount(Arch), (uint)shape.HeadSize);
        writer.Add(GgufNames.RopeFreqBase(Arch), shape.RopeFreqBase);
        writer.Add(GgufNames.RmsNormEpsilon(Arch), shape.RmsNormEpsilon);
        writer.Add(GgufNames.VocabSize(Arch), (uint)vocabSize);
    }
}

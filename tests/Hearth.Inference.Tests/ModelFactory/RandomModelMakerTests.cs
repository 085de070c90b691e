using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;
using Hearth.Inference.ModelFactory;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.ModelFactory;

public sealed class RandomModelMakerTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string SpmVocab => TestData.File("tokenizers/vocab/ggml-vocab-llama-spm.gguf");

    [Fact]
    public void Make_SmallCustomShapeQ8_0_HasExpectedTensorsAndMetadata()
    {
        var shape = ModelShape.Parse("custom:64,96,2,4,2,tied");
        var result = RandomModelMaker.Make(new MakeModelOptions(shape, QuantizationTarget.Q8_0, _dir.File("m.gguf"), SpmVocab) { Threads = 2 }, null, CancellationToken.None);

        using var file = GgufFile.Open(result.OutputPath);
        Assert.Equal(32000, result.VocabularySize);
        Assert.Equal(1 + 9 * 2 + 1, file.Tensors.Count);
        Assert.Null(file.FindTensor(GgufNames.Output));
        Assert.Equal([64L, 32000L], file.FindTensor(GgufNames.TokenEmbedding)!.Dimensions);
        Assert.Equal(GgmlType.Q8_0, file.FindTensor(GgufNames.TokenEmbedding)!.Type);
        Assert.Equal([64L, 32L], file.FindTensor(GgufNames.AttnK(1))!.Dimensions);
        Assert.Equal([96L, 64L], file.FindTensor(GgufNames.FfnDown(0))!.Dimensions);
        Assert.Equal(GgmlType.F32, file.FindTensor(GgufNames.FfnNorm(1))!.Type);
        Assert.Equal(result.ParameterCount, file.Tensors.Sum(t => t.ElementCount));
        Assert.Equal("llama", file.GetString(GgufNames.Architecture));
        Assert.Equal(64, file.GetInteger(GgufNames.EmbeddingLength("llama")));
        Assert.Equal(2, file.GetInteger(GgufNames.HeadCountKv("llama")));
        Assert.Equal(16, file.GetInteger(GgufNames.RopeDimensionCount("llama")));
        Assert.Equal((long)GgufFileType.MostlyQ8_0, file.GetInteger(GgufNames.FileType));

        using var vocab = GgufFile.Open(SpmVocab);
        foreach (var entry in vocab.Metadata.Where(e => e.Key.StartsWith("tokenizer.", StringComparison.Ordinal)))
        {
            Assert.True(file.TryGetValue(entry.Key, out var copied), entry.Key);
            Assert.Equal(entry.Value.Type, copied.Type);
        }
        Assert.Equal(vocab.GetStringArray(GgufNames.TokenizerTokens), file.GetStringArray(GgufNames.TokenizerTokens));
    }

    [Fact]
    public void Make_Q4KM_UsesMixAndWeightsLookLikeInit()
    {
        var shape = ModelShape.Parse("custom:256,512,1,4,1");
        var vocab = SmallVocabulary.Write(_dir.File("vocab.gguf"), 300);
        var result = RandomModelMaker.Make(new MakeModelOptions(shape, QuantizationTarget.Q4_K_M, _dir.File("m.gguf"), vocab) { Threads = 2 }, null, CancellationToken.None);

        using var file = GgufFile.Open(result.OutputPath);
        Assert.Equal(GgmlType.Q4_K, file.FindTensor(GgufNames.AttnQ(0))!.Type);
        Assert.Equal(GgmlType.Q6_K, file.FindTensor(GgufNames.AttnV(0))!.Type);
        Assert.Equal(GgmlType.Q6_K, file.FindTensor(GgufNames.FfnDown(0))!.Type);
        Assert.Equal(GgmlType.Q6_K, file.FindTensor(GgufNames.Output)!.Type);
        Assert.Equal(GgmlType.Q6_K, file.FindTensor(GgufNames.TokenEmbedding)!.Type);
        Assert.Equal((long)GgufFileType.MostlyQ4_K_M, file.GetInteger(GgufNames.FileType));
        Assert.Equal(300, result.VocabularySize);
        Assert.Equal([256L, 300L], file.FindTensor(GgufNames.TokenEmbedding)!.Dimensions);

        var (mean, std) = Stats(file, GgufNames.FfnUp(0));
        Assert.InRange(mean, -0.002, 0.002);
        Assert.InRange(std, 0.017, 0.023);
        var (normMean, normStd) = Stats(file, GgufNames.AttnNorm(0));
        Assert.InRange(normMean, 0.99, 1.01);
        Assert.InRange(normStd, 0.01, 0.03);
    }

    [Fact]
    public void Make_SameSeedDifferentThreads_IdenticalBytes_DifferentSeedDiffers()
    {
        var shape = ModelShape.Parse("custom:32,64,1,2,1,tied");
        var a = RandomModelMaker.Make(new MakeModelOptions(shape, QuantizationTarget.Q4_0, _dir.File("a.gguf"), SpmVocab) { Threads = 1, Seed = 7 }, null, CancellationToken.None);
        var b = RandomModelMaker.Make(new MakeModelOptions(shape, QuantizationTarget.Q4_0, _dir.File("b.gguf"), SpmVocab) { Threads = 2, Seed = 7 }, null, CancellationToken.None);
        var c = RandomModelMaker.Make(new MakeModelOptions(shape, QuantizationTarget.Q4_0, _dir.File("c.gguf"), SpmVocab) { Threads = 2, Seed = 8 }, null, CancellationToken.None);

        Assert.Equal(File.ReadAllBytes(a.OutputPath), File.ReadAllBytes(b.OutputPath));
        Assert.NotEqual(File.ReadAllBytes(a.OutputPath), File.ReadAllBytes(c.OutputPath));
    }

    [Fact]
    public void Tensors_RealShapes_MatchPublishedParameterCounts()
    {
        long Count(ModelShape s, int vocab) => RandomModelMaker.Tensors(s, vocab).Sum(t => t.Dimensions.Aggregate(1L, (x, y) => x * y));

        // SmolLM2-135M with its own 49,152-token vocabulary: 134,515,008 parameters; TinyLlama-1.1B (32,000): 1,100,048,384.
        Assert.Equal(134_515_008, Count(ModelShape.SmolLM2_135M, 49152));
        Assert.Equal(1_100_048_384, Count(ModelShape.TinyLlama_1_1B, 32000));
    }

    [Fact]
    public void Parse_UnknownShape_ListsKnownShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelShape.Parse("gpt-5"));
        Assert.Contains("smollm2-135m", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tinyllama-1.1b", ex.Message, StringComparison.Ordinal);
    }

    internal static (double Mean, double Std) Stats(GgufFile file, string tensorName)
    {
        var t = file.FindTensor(tensorName)!;
        var values = new float[t.ElementCount];
        var rowBytes = (int)GgmlTypeInfo.RowBytes(t.Type, t.ColumnCount);
        var bytes = file.GetTensorBytes(t);
        for (var r = 0; r < t.RowCount; r++)
        {
            Quantization.DequantizeRow(t.Type, bytes.Slice(r * rowBytes, rowBytes), values.AsSpan(r * (int)t.ColumnCount, (int)t.ColumnCount));
        }
        var mean = values.Average(v => (double)v);
        var std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        return (mean, std);
    }
}

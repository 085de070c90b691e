using System.Runtime.InteropServices;
using Hearth.Inference.Gguf;
using Hearth.Inference.Import;
using Hearth.Inference.Kernels;
using Hearth.Inference.ModelFactory;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.ModelFactory;

public sealed class GgufQuantizerTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Quantize_ImportedStoriesToQ8_0_MatricesQ8NormsF32MetadataCopied()
    {
        var f32 = ImportStories();
        var progress = new List<TensorProgress>();
        var result = GgufQuantizer.Quantize(f32, _dir.File("q8.gguf"), QuantizationTarget.Q8_0, 2, new SyncProgress(progress), CancellationToken.None);

        using var source = GgufFile.Open(f32);
        using var q8 = GgufFile.Open(result.OutputPath);
        Assert.Equal(source.Tensors.Select(t => t.Name), q8.Tensors.Select(t => t.Name));
        Assert.Equal(GgmlType.Q8_0, q8.FindTensor(GgufNames.TokenEmbedding)!.Type);
        Assert.Equal(GgmlType.Q8_0, q8.FindTensor(GgufNames.AttnQ(0))!.Type);
        Assert.Equal(GgmlType.F16, q8.FindTensor(GgufNames.FfnDown(0))!.Type);   // rows of 172: not whole 32-blocks
        Assert.Equal(GgmlType.F32, q8.FindTensor(GgufNames.AttnNorm(0))!.Type);
        Assert.Equal((long)GgufFileType.MostlyQ8_0, q8.GetInteger(GgufNames.FileType));
        Assert.Equal(2, q8.GetInteger(GgufNames.QuantizationVersion));
        Assert.Equal(source.GetStringArray(GgufNames.TokenizerTokens), q8.GetStringArray(GgufNames.TokenizerTokens));
        Assert.Equal(source.GetInteger(GgufNames.ContextLength("llama")), q8.GetInteger(GgufNames.ContextLength("llama")));
        Assert.Equal(source.Tensors.Count, progress.Count);
        Assert.True(result.OutputBytes < result.InputBytes / 2);

        // Norms are copied exactly; Q8_0 matrices are within half a quantization step of the originals.
        Assert.True(source.GetTensorBytes(source.FindTensor(GgufNames.OutputNorm)!).SequenceEqual(q8.GetTensorBytes(q8.FindTensor(GgufNames.OutputNorm)!)));
        var original = Floats(source, GgufNames.AttnQ(2));
        var restored = Dequantize(q8, GgufNames.AttnQ(2));
        var maxAbs = original.Max(Math.Abs);
        for (var i = 0; i < original.Length; i++)
        {
            Assert.True(Math.Abs(original[i] - restored[i]) <= maxAbs / 127f, $"element {i}: {original[i]} vs {restored[i]}");
        }
    }

    [Fact]
    public void Quantize_Q8ModelToQ4K_RequantizesWithMixAndKeepsShapes()
    {
        var shape = ModelShape.Parse("custom:256,256,1,2,1");
        var q8 = RandomModelMaker.Make(
            new MakeModelOptions(shape, QuantizationTarget.Q8_0, _dir.File("m.gguf"), SmallVocabulary.Write(_dir.File("vocab.gguf"), 300)) { Threads = 2 },
            null, CancellationToken.None).OutputPath;

        var result = GgufQuantizer.Quantize(q8, _dir.File("q4k.gguf"), QuantizationTarget.Q4_K_M, 2, null, CancellationToken.None);

        using var file = GgufFile.Open(result.OutputPath);
        Assert.Equal(GgmlType.Q4_K, file.FindTensor(GgufNames.FfnGate(0))!.Type);
        Assert.Equal(GgmlType.Q6_K, file.FindTensor(GgufNames.FfnDown(0))!.Type);
        Assert.Equal(GgmlType.Q6_K, file.FindTensor(GgufNames.Output)!.Type);
        Assert.Equal([256L, 256L], file.FindTensor(GgufNames.FfnGate(0))!.Dimensions);
        Assert.Equal((long)GgufFileType.MostlyQ4_K_M, file.GetInteger(GgufNames.FileType));
        var (_, std) = RandomModelMakerTests.Stats(file, GgufNames.FfnGate(0));
        Assert.InRange(std, 0.017, 0.023);
    }

    [Fact]
    public void Quantize_NotAGgufFile_ThrowsFormatException()
    {
        var bogus = _dir.File("x.gguf");
        File.WriteAllBytes(bogus, new byte[100]);
        Assert.Throws<GgufFormatException>(() => GgufQuantizer.Quantize(bogus, _dir.File("o.gguf"), QuantizationTarget.Q8_0, 1, null, CancellationToken.None));
        Assert.False(File.Exists(_dir.File("o.gguf")));
    }

    private string ImportStories() => Llama2cImporter.Import(
        TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), _dir.File("f32.gguf")).OutputPath;

    private static float[] Floats(GgufFile file, string name) => MemoryMarshal.Cast<byte, float>(file.GetTensorBytes(file.FindTensor(name)!)).ToArray();

    private static float[] Dequantize(GgufFile file, string name)
    {
        var t = file.FindTensor(name)!;
        var result = new float[t.ElementCount];
        var rowBytes = (int)GgmlTypeInfo.RowBytes(t.Type, t.ColumnCount);
        for (var r = 0; r < t.RowCount; r++)
        {
            Quantization.DequantizeRow(t.Type, file.GetTensorBytes(t).Slice(r * rowBytes, rowBytes), result.AsSpan(r * (int)t.ColumnCount, (int)t.ColumnCount));
        }
        return result;
    }

    /// <summary>Records synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(List<TensorProgress> sink) : IProgress<TensorProgress>
    {
        public void Report(TensorProgress value) => sink.Add(value);
    }
}

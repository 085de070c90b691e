using Hearth.Inference.Engine;
using Hearth.Inference.Tests.Models;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Engine;

/// <summary><see cref="LoadedModel.WeightBytesPerToken"/>: the bytes of weights one decode step reads (the roofline's denominator).</summary>
public sealed class LoadedModelWeightBytesTests
{
    [Fact]
    public void WeightBytesPerToken_TinyModel_CountsEveryMatrixOnce()
    {
        using var dir = new TempDir();
        var tiny = new TinyModel { Architecture = "llama" };
        tiny.WriteTo(dir.File("m.gguf"));
        using var model = LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = 1 });
        long perLayer = 4L * ((tiny.Dim * tiny.Dim * 2) + (tiny.KvDim * tiny.Dim * 2) + (3 * tiny.Hidden * tiny.Dim) + (2 * tiny.Dim));
        long expected = (tiny.Layers * perLayer) + (4L * tiny.Dim) /* embedding row */ + (4L * TinyModel.Vocab * tiny.Dim) /* output */ + (4L * tiny.Dim);
        Assert.Equal(expected, model.WeightBytesPerToken);
    }
}

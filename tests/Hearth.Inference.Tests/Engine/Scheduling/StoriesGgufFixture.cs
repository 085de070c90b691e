using Hearth.Inference.Import;
using Hearth.Inference.ModelFactory;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Engine.Scheduling;

/// <summary>The real stories260K checkpoint imported to GGUF (F32) and quantized to Q8_0, once per test class.</summary>
public sealed class StoriesGgufFixture : IDisposable
{
    private readonly TempDir _dir = new("hearth-batching-");

    public StoriesGgufFixture()
    {
        F32 = _dir.File("stories260K.gguf");
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), F32);
        Q8_0 = _dir.File("stories260K-q8_0.gguf");
        GgufQuantizer.Quantize(F32, Q8_0, QuantizationTarget.Q8_0, threads: 2, progress: null, CancellationToken.None);
    }

    public string F32 { get; }

    public string Q8_0 { get; }

    public string Path(string type) => type switch
    {
        "f32" => F32,
        "q8_0" => Q8_0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "f32 or q8_0"),
    };

    public void Dispose() => _dir.Dispose();
}

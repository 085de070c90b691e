using Hearth.Inference.Import;
using Hearth.Inference.ModelFactory;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Engine;

/// <summary>The real stories260K checkpoint imported to GGUF (F32) once per test class, and quantized to Q8_0 when a test asks.</summary>
public sealed class StoriesGgufFixture : IDisposable
{
    private readonly TempDir _dir = new("hearth-stories-");
    private readonly Lazy<string> _q8;

    public StoriesGgufFixture()
    {
        F32 = _dir.File("stories260K.gguf");
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), F32);
        _q8 = new Lazy<string>(() =>
        {
            var q8 = _dir.File("stories260K-q8_0.gguf");
            GgufQuantizer.Quantize(F32, q8, QuantizationTarget.Q8_0, threads: 2, progress: null, CancellationToken.None);
            return q8;
        });
    }

    public string F32 { get; }

    public string Q8_0 => _q8.Value;

    public string Path(string type) => type switch
    {
        "f32" => F32,
        "q8_0" => Q8_0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "f32 or q8_0"),
    };

    public void Dispose() => _dir.Dispose();
}

using Hearth.Inference.Import;
using Hearth.Server.Tests.Backends.Local;
using Hearth.TestSupport;

namespace Hearth.Server.Tests.Backends.Conformance;

/// <summary>
/// The model the conformance suite runs on: stories260K with Qwen 2.5's chat template (so tools can be called), written as
/// <c>models/stories-tools.gguf</c> under a home folder, served with a 2048-token window (the template's tool prompt is longer
/// than the model's 512-token training context).
/// </summary>
internal static class ToolModel
{
    public const string Id = "stories-tools";
    public const int ContextWindowTokens = 2048;

    /// <summary>Writes the model into <paramref name="home"/>'s models folder.</summary>
    public static void WriteInto(TempDir home)
    {
        var models = Path.Combine(home.Path, "models");
        Directory.CreateDirectory(models);
        var plain = home.File("plain.gguf");
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), plain);
        LocalToolCallingTests.WithTemplate(plain, File.ReadAllText(TestData.File("chat-templates/Qwen-Qwen2.5-7B-Instruct.jinja")), Path.Combine(models, Id + ".gguf"));
    }
}

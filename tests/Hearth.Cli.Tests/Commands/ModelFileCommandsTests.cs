using Hearth.Inference.Engine;
using Hearth.Inference.Gguf;
using Hearth.TestSupport;

namespace Hearth.Cli.Tests.Commands;

/// <summary>End to end through the built <c>hearth</c>: import llama2c, quantize, dev make-model, and what a broken file gives.</summary>
public sealed class ModelFileCommandsTests
{
    [Fact]
    public async Task ImportLlama2c_Stories260K_WritesALlamaGgufWithEveryTensor()
    {
        using var home = new TempDir();
        var output = home.File("s.gguf");

        var (code, stdout, stderr) = await HearthProcess.RunAsync(home.Path, "import", "llama2c",
            TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), "-o", output);

        Assert.True(code == 0, stderr);
        Assert.Contains(output, stdout, StringComparison.Ordinal);
        using var file = GgufFile.Open(output);
        Assert.Equal("llama", file.GetString(GgufNames.Architecture));
        Assert.Equal(2 + (5 * 9), file.Tensors.Count);   // embedding, final norm, 9 per block; tied output
        Assert.Equal(512, file.GetStringArray(GgufNames.TokenizerTokens)!.Length);
    }

    [Fact]
    public async Task ImportLlama2c_TruncatedCheckpoint_OneLineErrorNamingTheField()
    {
        using var home = new TempDir();
        var truncated = home.File("short.bin");
        File.WriteAllBytes(truncated, File.ReadAllBytes(TestData.File("models/stories260K/stories260K.bin"))[..1000]);

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "import", "llama2c", truncated,
            TestData.File("models/stories260K/tok512.bin"), "-o", home.File("out.gguf"));

        Assert.Equal(ExitCodes.Usage, code);
        CliAssert.OneLineError(stderr, "import llama2c", "header");
        Assert.False(File.Exists(home.File("out.gguf")));
    }

    [Fact]
    public async Task Quantize_Q8_0_WritesQ8_0MatricesThatStillGenerate()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);
        var output = home.File("s-q8_0.gguf");

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "quantize", CliAssert.StoriesModel(home.Path), output, "--type", "q8_0", "-t", "1");
        var generate = await HearthProcess.RunAsync(home.Path, "generate", "-m", output, "--temperature", "0", "-n", "12", "-t", "1");

        Assert.True(code == 0, stderr);
        using (var file = GgufFile.Open(output))
        {
            Assert.Equal((long)GgufFileType.MostlyQ8_0, file.GetInteger(GgufNames.FileType));
            Assert.Equal(GgmlType.Q8_0, file.FindTensor(GgufNames.AttnQ(0))!.Type);
            Assert.Equal(GgmlType.F32, file.FindTensor(GgufNames.AttnNorm(0))!.Type);
        }
        Assert.True(generate.ExitCode == 0, generate.Stderr);
        Assert.StartsWith("Once upon a time", generate.Stdout.TrimStart(' '), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quantize_UnknownType_OneLineUsageErrorListingKnownTypes()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "quantize", CliAssert.StoriesModel(home.Path), home.File("x.gguf"), "--type", "q3_xl");

        Assert.Equal(ExitCodes.Usage, code);
        CliAssert.OneLineError(stderr, "quantize", "q4_k");
    }

    [Fact]
    public async Task DevMakeModel_TinyCustomShape_WritesALoadableModelOfThatShape()
    {
        using var home = new TempDir();
        var output = home.File("tiny.gguf");

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "dev", "make-model", "--shape", "custom:64,128,2,4,2", "--type", "q8_0",
            "-o", output, "--vocab", TestData.File("tokenizers/vocab/ggml-vocab-llama-spm.gguf"), "-t", "1");
        var generate = await HearthProcess.RunAsync(home.Path, "generate", "-m", output, "-n", "4", "--seed", "1", "-t", "1");

        Assert.True(code == 0, stderr);
        using (var model = LoadedModel.Load(output, new EngineOptions { Threads = 1, ContextLength = 16 }))
        {
            Assert.Equal(64, model.Info.EmbeddingLength);
            Assert.Equal("Q8_0", model.Info.QuantizationLabel);
            Assert.Equal(32000, model.Tokenizer.VocabularySize);
        }
        using (var file = GgufFile.Open(output))
        {
            Assert.Equal(2, file.GetInteger(GgufNames.BlockCount("llama")));
            Assert.Equal(2, file.GetInteger(GgufNames.HeadCountKv("llama")));
        }
        Assert.True(generate.ExitCode == 0, generate.Stderr);
    }

    [Fact]
    public async Task DevMakeModel_BadShape_OneLineUsageError()
    {
        using var home = new TempDir();

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "dev", "make-model", "--shape", "custom:65,128,2,4,2", "-o", home.File("x.gguf"),
            "--vocab", TestData.File("tokenizers/vocab/ggml-vocab-llama-spm.gguf"));

        Assert.Equal(ExitCodes.Usage, code);
        CliAssert.OneLineError(stderr, "dev make-model", "heads");
    }

    [Fact]
    public async Task Generate_TruncatedGguf_OneLineErrorNamingFieldAndOffset()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);
        var truncated = home.File("truncated.gguf");
        File.WriteAllBytes(truncated, File.ReadAllBytes(CliAssert.StoriesModel(home.Path))[..3000]);

        var (code, stdout, stderr) = await HearthProcess.RunAsync(home.Path, "generate", "-m", truncated);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", stdout);
        CliAssert.OneLineError(stderr, "generate", "at byte ");
        Assert.Contains("metadata[", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_CorruptTensorType_OneLineErrorNamingTheTensorField()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);
        var bytes = File.ReadAllBytes(CliAssert.StoriesModel(home.Path));
        long typeOffset;
        using (var file = GgufFile.Open(CliAssert.StoriesModel(home.Path)))
        {
            // The first tensor info: u64 name length, name, u32 n_dims, n_dims × u64, then the u32 type.
            var first = file.Tensors[0];
            typeOffset = TensorInfoStart(bytes, first.Name) + 8 + first.Name.Length + 4 + (8 * first.Dimensions.Length);
        }
        BitConverter.GetBytes(99u).CopyTo(bytes, typeOffset);
        var corrupt = home.File("corrupt.gguf");
        File.WriteAllBytes(corrupt, bytes);

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "generate", "-m", corrupt);

        Assert.Equal(ExitCodes.Usage, code);
        CliAssert.OneLineError(stderr, "generate", $"tensor[0].type at byte {typeOffset}");
    }

    private static long TensorInfoStart(byte[] bytes, string name)
    {
        var nameBytes = System.Text.Encoding.UTF8.GetBytes(name);
        var at = bytes.AsSpan().IndexOf(nameBytes);
        Assert.True(at >= 8);
        return at - 8;
    }
}

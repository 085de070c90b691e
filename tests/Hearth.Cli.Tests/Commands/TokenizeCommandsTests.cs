using System.Text;
using Hearth.Inference.Gguf;
using Hearth.Inference.Tokenizers;
using Hearth.TestSupport;

namespace Hearth.Cli.Tests.Commands;

/// <summary>End to end through the built <c>hearth tokenize</c>: stdin bytes in, ids out.</summary>
public sealed class TokenizeCommandsTests
{
    private static int[] ParseIds(string stdout) =>
        stdout.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();

    private static ITokenizer LoadInProcess(string path)
    {
        using var file = GgufFile.Open(path);
        return TokenizerFactory.FromGguf(file);
    }

    [Fact]
    public async Task Tokenize_StdinWithAndWithoutBos_PrintsTheTokenizersIds()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);
        var model = CliAssert.StoriesModel(home.Path);
        var text = Encoding.UTF8.GetBytes("Once upon a time, Lily saw a big red ball.");

        var plain = await HearthProcess.RunAsync(home.Path, text, "tokenize", "-m", model);
        var withBos = await HearthProcess.RunAsync(home.Path, text, "tokenize", "-m", model, "--bos");

        Assert.True(plain.ExitCode == 0, plain.Stderr);
        Assert.True(withBos.ExitCode == 0, withBos.Stderr);
        var expected = LoadInProcess(model).EncodeUtf8(text);
        Assert.Equal(expected, ParseIds(plain.Stdout));
        Assert.Equal([1, .. expected], ParseIds(withBos.Stdout));
        Assert.True(expected.Length > 5);
    }

    [Fact]
    public async Task Tokenize_InvalidUtf8OnStdinWithByteLevelBpe_IdsDecodeToTheExactBytes()
    {
        using var home = new TempDir();
        var vocab = TestData.File("tokenizers/vocab/ggml-vocab-gpt-2.gguf");
        byte[] input = [(byte)'h', (byte)'i', 0xFF, (byte)' ', 0xC3, (byte)'x', 0xE2, 0x82];

        var (code, stdout, stderr) = await HearthProcess.RunAsync(home.Path, input, "tokenize", "-m", vocab);

        Assert.True(code == 0, stderr);
        Assert.Equal(input, LoadInProcess(vocab).DecodeToBytes(ParseIds(stdout)));
    }

    [Fact]
    public async Task Tokenize_NotAGgufFile_OneLineErrorNamingTheOffset()
    {
        using var home = new TempDir();
        var path = Path.Combine(home.Path, "junk.gguf");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("GGUF\u0003\0\0\0 definitely not a model"));

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, Encoding.UTF8.GetBytes("hi"), "tokenize", "-m", path);

        Assert.Equal(ExitCodes.Usage, code);
        CliAssert.OneLineError(stderr, "tokenize", " at byte ");
    }
}

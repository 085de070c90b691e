using Hearth.Inference.Engine;
using Hearth.Inference.Gguf;
using Hearth.Inference.Models;
using Hearth.Inference.Tokenizers;
using Hearth.Routing.Evaluation;
using Hearth.Routing.Policies;

namespace Hearth.Cli.Tests;

public sealed class CliErrorsTests
{
    public static TheoryData<Exception, int> Cases() => new()
    {
        { new ContextOverflowException(600, 512), ExitCodes.Usage },
        { new UnsupportedModelException("Unsupported model: architecture 'mamba'; supported: llama, qwen2."), ExitCodes.Usage },
        { new GgufFormatException("/m.gguf", "tensor[3].type", 1204, "unknown type 99."), ExitCodes.Usage },
        { new TokenizerFormatException("/m.gguf", "tokenizer.ggml.merges", "needs merges."), ExitCodes.Usage },
        { new FileNotFoundException("Model file '/x.gguf' does not exist."), ExitCodes.Usage },
        { new ArgumentOutOfRangeException("Threads", 0, "Threads must be between 1 and 256."), ExitCodes.Usage },
        { new CliUsageException("--runs must be at least 5."), ExitCodes.Usage },
        { new RoutingDataException("12 of 14037 examples have no weak_response."), ExitCodes.Usage },
        { new RoutingConfigurationException("Unknown policy 'fast'; known: local-only, predictive."), ExitCodes.Usage },
        { new ModelFileChangedException("/m.gguf", "the mapped file shrank"), ExitCodes.Failure },
        { new IOException("disk full"), ExitCodes.Failure },
        { new InvalidOperationException("a bug\nwith two lines"), ExitCodes.Failure },
        { new OperationCanceledException(), ExitCodes.Cancelled },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_TypedErrors_GiveTheirExitCodeAndOneLine(Exception exception, int expectedCode)
    {
        var (code, message) = CliErrors.Classify(exception);

        Assert.Equal(expectedCode, code);
        Assert.DoesNotContain('\n', message);
        Assert.False(string.IsNullOrWhiteSpace(message));
    }

    [Fact]
    public void Classify_ArgumentOutOfRange_DropsParameterAndActualValueNoise()
    {
        var (_, message) = CliErrors.Classify(new ArgumentOutOfRangeException("Threads", 0, "Threads must be between 1 and 256."));

        Assert.Equal("Threads must be between 1 and 256.", message);
    }

    [Fact]
    public void Classify_GgufFormat_KeepsFieldAndOffset()
    {
        var (_, message) = CliErrors.Classify(new GgufFormatException("/m.gguf", "tensor[3].type", 1204, "unknown type 99."));

        Assert.Equal("GGUF file '/m.gguf': tensor[3].type at byte 1204: unknown type 99.", message);
    }

    [Fact]
    public void Classify_UnexpectedException_NamesItsType()
    {
        var (_, message) = CliErrors.Classify(new AggregateException(new InvalidOperationException("boom")));

        Assert.Equal("unexpected InvalidOperationException: boom", message);
    }

    [Fact]
    public void ReportParseErrors_UnknownOption_OneLineWithVerbPath()
    {
        var parse = Program.BuildRoot().Parse(["bench", "engine", "--frobnicate"]);
        using var stderr = new StringWriter();

        var code = CliErrors.ReportParseErrors(parse, stderr);

        Assert.Equal(ExitCodes.Usage, code);
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("hearth bench engine: ", line, StringComparison.Ordinal);
        Assert.Contains("--frobnicate", line, StringComparison.Ordinal);
    }
}

using Hearth.Contracts;

namespace Hearth.Contracts.Tests;

public sealed class ArgumentMessagesTests
{
    [Fact]
    public void Text_ParameterNameSuffix_Removed()
    {
        var e = new ArgumentException("'ftp://x' is neither an http(s) URL nor hf:org/repo/file.gguf.", "spec");

        Assert.Contains("(Parameter 'spec')", e.Message, StringComparison.Ordinal);
        Assert.Equal("'ftp://x' is neither an http(s) URL nor hf:org/repo/file.gguf.", ArgumentMessages.Text(e));
    }

    [Fact]
    public void Text_OutOfRangeWithActualValue_KeepsOnlyTheSentence()
    {
        var e = new ArgumentOutOfRangeException("value", -5, "Dimensions must be positive.");

        Assert.Equal("Dimensions must be positive.", ArgumentMessages.Text(e));
    }

    [Fact]
    public void Text_NoParameterName_Unchanged()
    {
        Assert.Equal("Plain message.", ArgumentMessages.Text(new ArgumentException("Plain message.")));
    }
}

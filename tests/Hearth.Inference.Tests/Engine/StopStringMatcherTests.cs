using Hearth.Inference.Engine;

namespace Hearth.Inference.Tests.Engine;

public sealed class StopStringMatcherTests
{
    [Fact]
    public void Append_StopSpanningPieces_EmitsTextBeforeStopOnly()
    {
        var m = new StopStringMatcher(["<END>"]);
        var emitted = m.Append("Hello <") + m.Append("EN") + m.Append("D> more");
        Assert.True(m.Stopped);
        Assert.Equal("Hello ", emitted);
        Assert.Equal(string.Empty, m.Append("x"));
        Assert.Equal(string.Empty, m.Flush());
    }

    [Fact]
    public void Append_PossiblePrefix_HeldUntilDisproved()
    {
        var m = new StopStringMatcher(["\n\n"]);
        Assert.Equal("a", m.Append("a\n"));
        Assert.Equal("\nb", m.Append("b"));
        Assert.False(m.Stopped);
    }

    [Fact]
    public void Append_EarliestOfSeveralStops_Wins()
    {
        var m = new StopStringMatcher(["cd", "b"]);
        Assert.Equal("a", m.Append("abcd"));
        Assert.True(m.Stopped);
    }

    [Fact]
    public void Flush_HeldPrefix_Released()
    {
        var m = new StopStringMatcher(["STOP"]);
        Assert.Equal("x", m.Append("xST"));
        Assert.Equal("ST", m.Flush());
    }

    [Fact]
    public void Append_NoStops_PassesThrough()
    {
        var m = new StopStringMatcher([]);
        Assert.Equal("abc", m.Append("abc"));
    }
}

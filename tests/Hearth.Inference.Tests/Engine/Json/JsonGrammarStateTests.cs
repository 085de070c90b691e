using System.Text;
using System.Text.Json;
using Hearth.Inference.Engine.Json;

namespace Hearth.Inference.Tests.Engine.Json;

public sealed class JsonGrammarStateTests
{
    private static JsonGrammarState Feed(string text)
    {
        var state = default(JsonGrammarState);
        state.Accept(Encoding.UTF8.GetBytes(text));
        return state;
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"a\":1}")]
    [InlineData(" {\n  \"name\": \"Lily\",\n  \"age\": -0.5e+3, \"tags\": [true, false, null, [], {}],\n  \"s\": \"q\\\"\\u00e9\\n\"\n}")]
    [InlineData("{\"n\":[0,1.25,-7,3E2,12]}")]
    [InlineData("{\"ünï\":\"çödé\"}")]
    public void Accept_ValidObject_Completes(string json)
    {
        JsonDocument.Parse(json).Dispose();   // the test inputs themselves are valid JSON
        var state = Feed(json);
        Assert.False(state.IsDead);
        Assert.True(state.IsComplete);
        Assert.Equal(0, state.BytesToFinish());
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("\"x\"")]
    [InlineData("{a:1}")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":1.}")]
    [InlineData("{\"a\":tru}")]
    [InlineData("{\"a\":[1,]}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\":\"\\x\"}")]
    [InlineData("{\"a\":\"\n\"}")]
    [InlineData("{\"a\":1]")]
    [InlineData("{} ")]
    [InlineData("{\"a\":-}")]
    public void Accept_InvalidJson_Dies(string text)
    {
        Assert.True(Feed(text).IsDead);
    }

    [Fact]
    public void Accept_ValidPrefix_IsNeitherDeadNorComplete()
    {
        var state = Feed("{\"key\": [1, {\"x\": \"ab");
        Assert.False(state.IsDead);
        Assert.False(state.IsComplete);
        Assert.Equal(3, state.Depth);
        Assert.Equal(1 + 3, state.BytesToFinish());
    }

    [Fact]
    public void Accept_TooDeepOrTooMuchWhitespace_Dies()
    {
        Assert.True(Feed("{\"a\":" + new string('[', JsonGrammarState.MaxDepth)).IsDead);
        Assert.True(Feed("{" + new string(' ', JsonGrammarState.MaxWhitespaceRun + 1)).IsDead);
        Assert.False(Feed("{" + new string(' ', JsonGrammarState.MaxWhitespaceRun)).IsDead);
    }
}

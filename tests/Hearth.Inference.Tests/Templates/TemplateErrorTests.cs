using Hearth.Inference.Templates;

namespace Hearth.Inference.Tests.Templates;

public sealed class TemplateErrorTests
{
    private static string Render(string source, TemplateLimits? limits = null) =>
        ChatTemplate.Parse(source, new ChatTemplateOptions { Limits = limits ?? TemplateLimits.Default }).Render(new Dictionary<string, object?>());

    [Theory]
    [InlineData("{% if true %}never closed", 1, 26)]
    [InlineData("line one\n{{ 1 + }}", 2, 8)]
    [InlineData("{% for x in %}{% endfor %}", 1, 13)]
    [InlineData("ok\nok\n   {% frobnicate %}", 3, 7)]
    [InlineData("{{ 'unterminated }}", 1, 4)]
    [InlineData("{{ x | nosuchfilter }}", 1, 8)]
    [InlineData("{{ x is nosuchtest }}", 1, 9)]
    [InlineData("{% break %}", 1, 4)]
    [InlineData("{{ x ", 1, 6)]
    [InlineData("{# never closed", 1, 1)]
    public void Parse_InvalidSource_ThrowsSyntaxErrorWithLocation(string source, int line, int column)
    {
        var error = Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse(source));
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains($"line {line}, column {column}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ missing.attribute }}", "'missing' is undefined")]
    [InlineData("{{ 'a' + 1 }}", "unsupported operand type(s) for +: 'str' and 'int'")]
    [InlineData("{{ 1 / 0 }}", "division by zero")]
    [InlineData("{{ 'a' < 1 }}", "'<' not supported between instances of 'str' and 'int'")]
    [InlineData("{% for a, b in [1] %}{% endfor %}", "cannot unpack")]
    [InlineData("{{ 5() }}", "'int' object is not callable")]
    [InlineData("{{ {'a': missing} | tojson }}", "not JSON serializable")]
    [InlineData("{% set x = 1 %}{% set x.y = 2 %}", "not a namespace()")]
    [InlineData("{{ [1, 2] | select('odd') | length }}", "object of type 'generator' has no len()")]
    [InlineData("{{ [1, 2] | map('string') | tojson }}", "Object of type generator is not JSON serializable")]
    public void Render_RuntimeError_ThrowsTemplateRuntimeException(string source, string fragment)
    {
        var error = Assert.Throws<TemplateRuntimeException>(() => Render(source));
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Render_RaiseException_ThrowsTemplatesOwnMessage()
    {
        var error = Assert.Throws<TemplateRaisedException>(() => Render("a\n{{ raise_exception('Roles must alternate') }}"));
        Assert.Equal("Roles must alternate", error.Message);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Render_InfiniteMacroRecursion_HitsCallDepthLimit()
    {
        var error = Assert.Throws<TemplateLimitExceededException>(() => Render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"));
        Assert.Contains("nested deeper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HugeRange_HitsRangeLimit()
    {
        Assert.Throws<TemplateLimitExceededException>(() => Render("{% for i in range(10000000) %}{% endfor %}"));
    }

    [Fact]
    public void Render_NestedLoops_HitLoopIterationLimit()
    {
        var limits = TemplateLimits.Default with { MaxLoopIterations = 10_000 };
        Assert.Throws<TemplateLimitExceededException>(() => Render("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}", limits));
    }

    [Fact]
    public void Render_ExponentialStringGrowth_HitsValueLimit()
    {
        var limits = TemplateLimits.Default with { MaxValueLength = 1 << 20 };
        Assert.Throws<TemplateLimitExceededException>(() => Render(
            "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}", limits));
        Assert.Throws<TemplateLimitExceededException>(() => Render("{{ 'x' * 100000000000 }}", limits));
        Assert.Throws<TemplateLimitExceededException>(() => Render("{{ ('x' * 1000) | replace('x', 'y' * 10000) }}", limits));
    }

    [Fact]
    public void Render_OutputBeyondLimit_Throws()
    {
        var limits = TemplateLimits.Default with { MaxOutputChars = 1000 };
        Assert.Throws<TemplateLimitExceededException>(() => Render("{% for i in range(200) %}0123456789{% endfor %}", limits));
    }

    [Fact]
    public void Parse_DeeplyNestedExpression_ThrowsSyntaxErrorNotStackOverflow()
    {
        string source = "{{ " + new string('(', 100_000) + "1" + new string(')', 100_000) + " }}";
        var error = Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse(source));
        Assert.Contains("nested deeper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeeplyNestedBlocks_ThrowsSyntaxError()
    {
        string source = string.Concat(Enumerable.Repeat("{% if true %}", 5000)) + string.Concat(Enumerable.Repeat("{% endif %}", 5000));
        Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse(source));
    }
}

using Hearth.Routing.Features;

namespace Hearth.Routing.Tests.Features;

public sealed class ArithmeticCheckerTests
{
    [Theory]
    [InlineData("16 - 3 = 13", 1, 0)]
    [InlineData("9 * $2 = $<<9*2=18>>18", 1, 0)]
    [InlineData("So 13 - 4 = 8 eggs", 1, 1)]
    [InlineData("2 x 3.5 = 7 and (4 + 6) / 2 = 5", 2, 0)]
    [InlineData("1,200 + 300 = 1,500", 1, 0)]
    [InlineData("x = 5 and y = 7", 0, 0)]
    [InlineData("5/2 = 2.5", 1, 0)]
    [InlineData("10 / 3 = 3.33", 1, 0)]
    public void Check_CountsCheckedAndWrong(string text, int checkedCount, int wrong)
    {
        var r = ArithmeticChecker.Check(text);
        Assert.Equal(checkedCount, r.Checked);
        Assert.Equal(wrong, r.Wrong);
    }

    [Theory]
    [InlineData("2 + 3 * 4", 14)]
    [InlineData("(2 + 3) * 4", 20)]
    [InlineData("-3 + 5", 2)]
    [InlineData("12 ÷ 4 × 2", 6)]
    public void TryEvaluate_Precedence(string expression, double expected)
    {
        Assert.True(ArithmeticChecker.TryEvaluate(expression, out var v));
        Assert.Equal(expected, v, 9);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("2 + ")]
    [InlineData("((((((((((1+1))))))))))")]
    [InlineData("abc + 1")]
    public void TryEvaluate_Rejects(string expression) => Assert.False(ArithmeticChecker.TryEvaluate(expression, out _));
}

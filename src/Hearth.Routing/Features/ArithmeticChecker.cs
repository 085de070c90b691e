using System.Globalization;
using System.Text.RegularExpressions;

namespace Hearth.Routing.Features;

/// <summary>
/// Finds worked arithmetic in an answer ("13 - 4 = 9", "<<9*2=18>>", "2 x $3 = $6") and re-computes it:
/// a wrong step is a strong sign the answer is wrong. Only expressions with at least one operator are checked.
/// </summary>
internal static partial class ArithmeticChecker
{
    /// <summary>Counts of checked and wrong equations.</summary>
    public readonly record struct Result(int Checked, int Wrong);

    public static Result Check(string answer)
    {
        int checkedCount = 0, wrong = 0;
        var text = answer.Length > 32768 ? answer[..32768] : answer;
        for (var m = Equation().Match(text); m.Success && checkedCount < 200; m = m.NextMatch())
        {
            var lhs = m.Groups["lhs"].Value;
            var rhsText = m.Groups["rhs"].Value.Replace(",", "", StringComparison.Ordinal);
            if (!double.TryParse(rhsText, NumberStyles.Float, CultureInfo.InvariantCulture, out var rhs))
            {
                continue;
            }
            if (!TryEvaluate(lhs, out var value))
            {
                continue;
            }
            checkedCount++;
            var tolerance = Math.Max(0.011, Math.Abs(value) * 0.005);
            if (Math.Abs(value - rhs) > tolerance)
            {
                wrong++;
            }
        }
        return new Result(checkedCount, wrong);
    }

    /// <summary>Evaluates + − * / × ÷ x and parentheses over decimal numbers; false when there is no operator or it does not parse.</summary>
    public static bool TryEvaluate(string expression, out double value)
    {
        var tokens = new List<string>();
        bool hasOperator = false;
        int i = 0;
        while (i < expression.Length)
        {
            var c = expression[i];
            if (char.IsDigit(c) || (c == '.' && i + 1 < expression.Length && char.IsDigit(expression[i + 1])))
            {
                int start = i;
                while (i < expression.Length && (char.IsDigit(expression[i]) || expression[i] == '.' || (expression[i] == ',' && i + 3 < expression.Length && char.IsDigit(expression[i + 1]))))
                {
                    i++;
                }
                tokens.Add(expression[start..i].Replace(",", "", StringComparison.Ordinal));
                continue;
            }
            switch (c)
            {
                case '+' or '-' or '−' or '*' or '/' or 'x' or 'X' or '×' or '÷' or '(' or ')':
                    var op = c switch { '−' => "-", 'x' or 'X' or '×' => "*", '÷' => "/", _ => c.ToString() };
                    if (op is "+" or "-" or "*" or "/")
                    {
                        hasOperator = true;
                    }
                    tokens.Add(op);
                    break;
                case ' ' or '$' or '%' or '€' or '£' or '\t':
                    break;
                default:
                    value = 0;
                    return false;
            }
            i++;
        }
        value = 0;
        if (!hasOperator || tokens.Count < 3 || tokens.Count > 64)
        {
            return false;
        }
        int pos = 0;
        if (!TryExpression(tokens, ref pos, 0, out value) || pos != tokens.Count)
        {
            return false;
        }
        return !double.IsNaN(value) && !double.IsInfinity(value);
    }

    private static bool TryExpression(List<string> t, ref int pos, int depth, out double value)
    {
        value = 0;
        if (depth > 8 || !TryTerm(t, ref pos, depth, out value))
        {
            return false;
        }
        while (pos < t.Count && t[pos] is "+" or "-")
        {
            var op = t[pos++];
            if (!TryTerm(t, ref pos, depth, out var rhs))
            {
                return false;
            }
            value = op == "+" ? value + rhs : value - rhs;
        }
        return true;
    }

    private static bool TryTerm(List<string> t, ref int pos, int depth, out double value)
    {
        if (!TryFactor(t, ref pos, depth, out value))
        {
            return false;
        }
        while (pos < t.Count && t[pos] is "*" or "/")
        {
            var op = t[pos++];
            if (!TryFactor(t, ref pos, depth, out var rhs))
            {
                return false;
            }
            value = op == "*" ? value * rhs : value / rhs;
        }
        return true;
    }

    private static bool TryFactor(List<string> t, ref int pos, int depth, out double value)
    {
        value = 0;
        if (pos >= t.Count)
        {
            return false;
        }
        if (t[pos] == "-")
        {
            pos++;
            if (!TryFactor(t, ref pos, depth, out value))
            {
                return false;
            }
            value = -value;
            return true;
        }
        if (t[pos] == "(")
        {
            pos++;
            if (!TryExpression(t, ref pos, depth + 1, out value) || pos >= t.Count || t[pos] != ")")
            {
                return false;
            }
            pos++;
            return true;
        }
        if (double.TryParse(t[pos], NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            pos++;
            return true;
        }
        return false;
    }

    // lhs: digits, operators, spaces, parentheses, currency and x/× between numbers; rhs: a number.
    [GeneratedRegex(@"(?<lhs>[\d\$€£\(][\d\.,\s\$€£%\+\-−\*/x×÷\(\)]{2,80}?)\s*=\s*[\$€£]?\s*(?<rhs>-?\d[\d,]*(?:\.\d+)?)", RegexOptions.CultureInvariant)]
    private static partial Regex Equation();
}

using System.Text.RegularExpressions;

namespace Hearth.Routing.Features;

/// <summary>Designed dense features of a (prompt, answer) pair for the cascade's learned scorer.</summary>
internal static partial class AnswerSignals
{
    /// <summary>Number of dense answer features.</summary>
    public const int Count = 18;

    public static void Compute(string prompt, string answer, Span<double> output)
    {
        var text = answer.Length > 32768 ? answer[..32768] : answer;
        var arithmetic = ArithmeticChecker.Check(text);
        int lines = 1;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                lines++;
            }
        }
        var promptNumbers = Numbers(prompt);
        var answerNumbers = Numbers(text);
        int reused = 0;
        foreach (var n in promptNumbers)
        {
            if (answerNumbers.Contains(n))
            {
                reused++;
            }
        }
        var trimmed = text.TrimEnd();
        var finalNumber = FinalNumber().Match(trimmed);
        int j = 0;
        output[j++] = Math.Log(1 + text.Length);
        output[j++] = Math.Log((1.0 + text.Length) / (1.0 + prompt.Length));
        output[j++] = Math.Log(lines);
        output[j++] = Math.Log(1 + arithmetic.Checked);
        output[j++] = Math.Min(arithmetic.Wrong, 5);
        output[j++] = arithmetic.Checked > 0 ? (double)arithmetic.Wrong / arithmetic.Checked : 0;
        output[j++] = FinalMarker().IsMatch(text) ? 1 : 0;
        output[j++] = finalNumber.Success ? 1 : 0;
        output[j++] = finalNumber.Success && finalNumber.Value.Contains('.', StringComparison.Ordinal) && !finalNumber.Value.EndsWith(".00", StringComparison.Ordinal) ? 1 : 0;
        output[j++] = Math.Log(1 + CountMatches(Hedge(), text));
        output[j++] = Refusal().IsMatch(text) ? 1 : 0;
        output[j++] = trimmed.Length > 0 && !char.IsPunctuation(trimmed[^1]) && !char.IsDigit(trimmed[^1]) ? 1 : 0;
        output[j++] = promptNumbers.Count > 0 ? (double)reused / promptNumbers.Count : 1;
        output[j++] = Math.Log(1 + answerNumbers.Count);
        output[j++] = RepeatedLineShare(text);
        output[j++] = Math.Log(1 + CountMatches(Revision(), text));
        output[j++] = ChoiceLetter().IsMatch(text) ? 1 : 0;
        output[j++] = Math.Log(1 + CountMatches(Approximate(), text));
    }

    private static HashSet<string> Numbers(string text)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (var m = NumberLiteral().Match(text); m.Success && set.Count < 512; m = m.NextMatch())
        {
            set.Add(m.Value.Replace(",", "", StringComparison.Ordinal));
        }
        return set;
    }

    private static double RepeatedLineShare(string text)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int total = 0, repeated = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length < 8)
            {
                continue;
            }
            total++;
            if (!seen.Add(line))
            {
                repeated++;
            }
        }
        return total == 0 ? 0 : (double)repeated / total;
    }

    private static int CountMatches(Regex regex, string text)
    {
        int n = 0;
        for (var m = regex.Match(text); m.Success && n < 64; m = m.NextMatch())
        {
            n++;
        }
        return n;
    }

    [GeneratedRegex(@"\d+(?:,\d{3})*(?:\.\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex NumberLiteral();

    [GeneratedRegex(@"-?\d[\d,]*(?:\.\d+)?\D{0,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex FinalNumber();

    [GeneratedRegex(@"####|\bthe (final )?answer is\b|\banswer:\s", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FinalMarker();

    [GeneratedRegex(@"\b(however|but wait|actually|i'm not sure|i am not sure|not certain|unclear|ambiguous|assum(e|ing)|it seems|might|perhaps|possibly|it depends)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Hedge();

    [GeneratedRegex(@"\b(i can(no|')t (help|assist|provide|answer)|i'm sorry|i am sorry|i apologi[sz]e|as an ai|i'm unable|i am unable|cannot be determined|not enough information)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Refusal();

    [GeneratedRegex(@"\b(mistake|correction|re-?evaluate|recalculate|let me re|wait,|instead|incorrect|error)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Revision();

    [GeneratedRegex(@"\b(answer is|correct (answer|option) is)\s*\(?[A-J]\b|^\s*\(?[A-J]\)?[\.\s]*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ChoiceLetter();

    [GeneratedRegex(@"\b(approximately|about|roughly|around|round(ed)?)\b|≈", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Approximate();
}

using System.Text.RegularExpressions;

namespace Hearth.Routing.Features;

/// <summary>Designed dense features of a prompt: size, structure, numbers and operators, cues, task type, subject.</summary>
internal static partial class PromptSignals
{
    private static readonly HashSet<string> s_stepWords = new(StringComparer.Ordinal)
    {
        "then", "each", "every", "per", "twice", "half", "remaining", "rest", "total", "after", "left", "more", "less",
        "times", "fewer", "than", "percent", "week", "weeks", "month", "months", "hours", "minutes", "days", "year", "years",
    };

    private static readonly HashSet<string> s_fractionWords = new(StringComparer.Ordinal)
    {
        "half", "halves", "third", "thirds", "quarter", "quarters", "twice", "double", "triple", "thrice", "fifth", "tenth",
    };

    private static readonly HashSet<string> s_unitWords = new(StringComparer.Ordinal)
    {
        "hour", "hours", "minute", "minutes", "second", "seconds", "day", "days", "week", "weeks", "month", "months", "year",
        "years", "dollar", "dollars", "cent", "cents", "mile", "miles", "km", "pound", "pounds", "kg", "liter", "liters",
        "gallon", "gallons", "inch", "inches", "foot", "feet", "meter", "meters",
    };

    private static readonly HashSet<string> s_negations = new(StringComparer.Ordinal)
    {
        "not", "except", "least", "false", "incorrect", "never", "unlikely", "weakest",
    };

    /// <summary>Number of dense prompt features.</summary>
    public static int Count { get; } = 31 + TaskTypeClassifier.Count + SubjectLexicon.Count;

    /// <summary>Writes the dense features into output (length <see cref="Count"/>).</summary>
    public static void Compute(string prompt, IReadOnlyList<string> words, Span<double> output)
    {
        var text = prompt.Length > 32768 ? prompt[..32768] : prompt;
        int lines = 1, questionMarks = 0, digits = 0, operators = 0, upperStarts = 0, letters = 0, sentences = 0;
        for (int i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                lines++;
            }
            else if (c == '?')
            {
                questionMarks++;
            }
            else if (char.IsDigit(c))
            {
                digits++;
            }
            else if (c is '+' or '*' or '/' or '=' or '^' or '<' or '>' or '×' or '÷')
            {
                operators++;
            }
            else if (char.IsLetter(c))
            {
                letters++;
                if (char.IsUpper(c) && (i == 0 || !char.IsLetter(text[i - 1])))
                {
                    upperStarts++;
                }
            }
            if (c is '.' or '!' or '?' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1])))
            {
                sentences++;
            }
        }
        int wordCount = 0, longWords = 0, stepWords = 0, negations = 0, numbers = 0, fractionWords = 0;
        var units = new HashSet<string>(StringComparer.Ordinal);
        double wordChars = 0;
        var distinctNumbers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in words)
        {
            if (w[0] == '#')
            {
                numbers++;
                continue;
            }
            if (!char.IsLetter(w[0]))
            {
                continue;
            }
            wordCount++;
            wordChars += w.Length;
            if (w.Length >= 9)
            {
                longWords++;
            }
            if (s_stepWords.Contains(w))
            {
                stepWords++;
            }
            if (s_negations.Contains(w))
            {
                negations++;
            }
            if (s_fractionWords.Contains(w))
            {
                fractionWords++;
            }
            if (s_unitWords.Contains(w))
            {
                units.Add(w.TrimEnd('s'));
            }
        }
        double maxNumber = 0;
        int decimals = 0;
        for (var m = NumberLiteral().Match(text); m.Success && distinctNumbers.Count < 256; m = m.NextMatch())
        {
            distinctNumbers.Add(m.Value);
            var v = m.Value.Replace(",", "", StringComparison.Ordinal);
            if (v.Contains('.', StringComparison.Ordinal))
            {
                decimals++;
            }
            if (double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d))
            {
                maxNumber = Math.Max(maxNumber, d);
            }
        }
        int optionCount = 0, optionChars = 0, maxOption = 0;
        for (var m = OptionLine().Match(text); m.Success && optionCount < 16; m = m.NextMatch())
        {
            optionCount++;
            var len = m.Groups["body"].Length;
            optionChars += len;
            maxOption = Math.Max(maxOption, len);
        }
        int longestParagraph = 0;
        foreach (var para in text.Split('\n'))
        {
            longestParagraph = Math.Max(longestParagraph, para.Length);
        }
        int j = 0;
        output[j++] = Math.Log(1 + text.Length);
        output[j++] = Math.Log(1 + wordCount);
        output[j++] = Math.Log(lines);
        output[j++] = Math.Log(1 + sentences);
        output[j++] = Math.Log(1 + numbers);
        output[j++] = Math.Log(1 + distinctNumbers.Count);
        output[j++] = (double)digits / Math.Max(1, text.Length);
        output[j++] = Math.Log(1 + operators);
        output[j++] = Math.Min(questionMarks, 5);
        output[j++] = optionCount >= 2 ? 1 : 0;
        output[j++] = optionCount;
        output[j++] = optionCount > 0 ? Math.Log(1 + ((double)optionChars / optionCount)) : 0;
        output[j++] = Math.Log(1 + maxOption);
        output[j++] = Math.Min(negations, 5);
        output[j++] = StatementPair().IsMatch(text) ? 1 : 0;
        output[j++] = Math.Log(1 + CountMatches(FractionLike(), text));
        output[j++] = Math.Log(1 + CountMatches(Currency(), text));
        output[j++] = MathNotation().IsMatch(text) ? 1 : 0;
        output[j++] = CodeCue().IsMatch(text) ? 1 : 0;
        output[j++] = FormatCue().IsMatch(text) ? 1 : 0;
        output[j++] = Math.Log(1 + longestParagraph);
        output[j++] = wordCount > 0 ? wordChars / wordCount : 0;
        output[j++] = (double)longWords / Math.Max(1, wordCount);
        output[j++] = (double)upperStarts / Math.Max(1, wordCount);
        output[j++] = Math.Log(1 + stepWords);
        output[j++] = (double)numbers / Math.Max(1, sentences);
        output[j++] = Math.Log(1 + fractionWords);
        output[j++] = Math.Log(1 + CountMatches(Percent(), text));
        output[j++] = Math.Log(1 + maxNumber);
        output[j++] = Math.Log(1 + decimals);
        output[j++] = units.Count;
        var tasks = TaskTypeClassifier.Scores(text);
        foreach (var t in tasks)
        {
            output[j++] = t;
        }
        var subjects = output.Slice(j, SubjectLexicon.Count);
        subjects.Clear();
        SubjectLexicon.AddCounts(words, subjects);
        for (int s = 0; s < subjects.Length; s++)
        {
            subjects[s] = Math.Log(1 + subjects[s]);
        }
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

    [GeneratedRegex(@"\d+(?:[.,]\d+)*", RegexOptions.CultureInvariant)]
    private static partial Regex NumberLiteral();

    [GeneratedRegex(@"^\s*\(?[A-Ja-j][\.\)]\s*(?<body>.*)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex OptionLine();

    [GeneratedRegex(@"Statement 1|Statement I\b", RegexOptions.CultureInvariant)]
    private static partial Regex StatementPair();

    [GeneratedRegex(@"\d+/\d+|\d+(?:\.\d+)?\s*%|\d\.\d", RegexOptions.CultureInvariant)]
    private static partial Regex FractionLike();

    [GeneratedRegex(@"%|\bpercent\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Percent();

    [GeneratedRegex(@"[$€£]\s?\d", RegexOptions.CultureInvariant)]
    private static partial Regex Currency();

    [GeneratedRegex(@"\\[a-z]+|[∫∑√π≤≥≠∞]|\b[a-z]\^\d|\bsqrt\b|\blog\b|\bmod\b", RegexOptions.CultureInvariant)]
    private static partial Regex MathNotation();

    [GeneratedRegex(@"```|\bdef \w+\(|#include|\bfunction\b|=>|\};?\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex CodeCue();

    [GeneratedRegex(@"\b(json|yaml|xml|csv|schema)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FormatCue();
}

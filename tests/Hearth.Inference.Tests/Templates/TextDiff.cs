namespace Hearth.Inference.Tests.Templates;

/// <summary>Describes where two strings first differ, with escaped context, for assertion messages.</summary>
internal static class TextDiff
{
    public static string Describe(string expected, string actual)
    {
        int i = 0;
        while (i < expected.Length && i < actual.Length && expected[i] == actual[i])
        {
            i++;
        }
        if (i == expected.Length && i == actual.Length)
        {
            return "identical";
        }
        int line = 1 + expected.AsSpan(0, i).Count('\n');
        int from = Math.Max(0, i - 60);
        return $"first difference at char {i} (line {line}; expected length {expected.Length}, actual {actual.Length})\n" +
               $"  expected: …{Escape(expected.Substring(from, Math.Min(expected.Length, i + 60) - from))}…\n" +
               $"  actual:   …{Escape(actual.Substring(from, Math.Min(actual.Length, i + 60) - from))}…";
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
}

namespace Hearth.Inference.Templates.Jinja;

/// <summary>
/// The template source after Jinja2's newline handling (every line break becomes <c>\n</c>; one trailing newline is dropped),
/// with offset → line/column mapping for error messages.
/// </summary>
internal sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string raw)
    {
        Text = Normalize(raw);
        var starts = new List<int> { 0 };
        for (int i = 0; i < Text.Length; i++)
        {
            if (Text[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }
        _lineStarts = [.. starts];
    }

    public string Text { get; }

    public (int Line, int Column) Locate(int offset)
    {
        int index = Array.BinarySearch(_lineStarts, offset);
        if (index < 0)
        {
            index = ~index - 1;
        }
        return (index + 1, offset - _lineStarts[Math.Max(index, 0)] + 1);
    }

    public int LineOf(int offset) => Locate(offset).Line;

    // Python's str.splitlines() boundaries, as Jinja2 applies them to the whole source before lexing.
    private static bool IsLineBreak(char c) =>
        c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029';

    private static string Normalize(string raw)
    {
        bool needs = false;
        foreach (char c in raw)
        {
            if (c != '\n' && IsLineBreak(c))
            {
                needs = true;
                break;
            }
        }
        string text = raw;
        if (needs)
        {
            var sb = new System.Text.StringBuilder(raw.Length);
            for (int i = 0; i < raw.Length; i++)
            {
                char c = raw[i];
                if (c == '\r' && i + 1 < raw.Length && raw[i + 1] == '\n')
                {
                    continue;
                }
                sb.Append(IsLineBreak(c) ? '\n' : c);
            }
            text = sb.ToString();
        }
        return text.EndsWith('\n') ? text[..^1] : text;
    }
}

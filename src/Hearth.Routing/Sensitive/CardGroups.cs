namespace Hearth.Routing.Sensitive;

/// <summary>
/// How payment card numbers are written: without separators, or in the issuers' groupings with one kind of separator —
/// 4-4-4-4 (a last group of 1–4 for 13–19 digits), 4-6-5 (Amex) or 4-6-4 (Diners). Digit runs grouped any other way
/// (<c>361 993 7000 1354</c>) are lists of numbers, not cards.
/// </summary>
internal static class CardGroups
{
    public static bool Plausible(ReadOnlySpan<char> candidate)
    {
        Span<int> groups = stackalloc int[19];
        int count = 0, length = 0;
        char separator = '\0';
        foreach (var c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                length++;
                continue;
            }
            if (separator != '\0' && c != separator)
            {
                return false;
            }
            separator = c;
            groups[count++] = length;
            length = 0;
        }
        if (count == 0)
        {
            return true;
        }
        groups[count++] = length;
        var g = groups[..count];
        if (count == 3 && g[0] == 4 && g[1] == 6 && g[2] is 4 or 5)
        {
            return true;
        }
        for (var i = 0; i < count - 1; i++)
        {
            if (g[i] != 4)
            {
                return false;
            }
        }
        return g[^1] is >= 1 and <= 4;
    }
}

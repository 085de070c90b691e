namespace Hearth.Routing.Sensitive;

/// <summary>
/// Finds IBANs by walking the text, not by a pattern with boundaries: at every pair of letters that is a registry country
/// code (<see cref="IbanRegistry"/>, any case), it reads exactly that country's number of letters and digits, each of its
/// position's class, skipping separators between them (<see cref="Separators"/>: spaces of any kind, tabs, line breaks,
/// dashes, dots, <c>+</c> and <c>%20</c>), and keeps the span when mod-97 = 1. No word boundary is needed on either side,
/// so an IBAN glued to a label (<c>src=ES36…</c>, <c>IBANDE89…</c>), to punctuation, or followed by more text is found:
/// the country's fixed length says where it ends, and the class of every position and the checksum keep ordinary text out.
/// Cost: O(text length × 34 × separator run), no allocation besides the spans.
/// </summary>
internal static class IbanScanner
{
    public static void Scan(string text, List<SensitiveSpan> found)
    {
        Span<char> compact = stackalloc char[IbanRegistry.MaxLength];
        var i = 0;
        while (i + 4 <= text.Length)
        {
            var end = TryRead(text, i, compact);
            if (end > 0)
            {
                found.Add(new SensitiveSpan(SensitiveKind.Iban, i, end - i));
                i = end;
                continue;
            }
            i++;
        }
    }

    /// <summary>The end of an IBAN starting at <paramref name="start"/>, or 0.</summary>
    private static int TryRead(string text, int start, Span<char> compact)
    {
        if (!char.IsAsciiLetter(text[start]) || !char.IsAsciiLetter(text[start + 1]))
        {
            return 0;
        }
        var classes = IbanRegistry.BbanClasses(text[start], text[start + 1]);
        if (classes is null)
        {
            return 0;
        }
        var length = classes.Length + 4;
        compact[0] = char.ToUpperInvariant(text[start]);
        compact[1] = char.ToUpperInvariant(text[start + 1]);
        var n = 2;
        var pos = start + 2;
        var lettersInSegment = 0;
        var mostLettersInSegment = 0;
        var gapped = false;
        while (n < length)
        {
            var next = Separators.Skip(text, pos);
            if (next != pos)
            {
                // A gap between the country code and the check digits ("ES 36 …") only when the code stands alone: in prose
                // the code is the end of a word ("keeps 50 cards").
                if (n == 2 && start > 0 && char.IsAsciiLetterOrDigit(text[start - 1]))
                {
                    return 0;
                }
                lettersInSegment = 0;
                gapped = true;
                pos = next;
            }
            if (pos >= text.Length)
            {
                return 0;
            }
            var c = text[pos];
            var cls = n < 4 ? 'n' : classes[n - 4];
            if (!IbanRegistry.Fits(c, cls))
            {
                return 0;
            }
            if (n >= 4 && char.IsAsciiLetter(c))
            {
                mostLettersInSegment = Math.Max(mostLettersInSegment, ++lettersInSegment);
            }
            compact[n++] = char.ToUpperInvariant(c);
            pos++;
        }
        // Written with gaps, an IBAN is in groups (of four, or its national parts): a group holding five or more letters is
        // a word of prose, not a bank code.
        if (gapped && mostLettersInSegment > 4)
        {
            return 0;
        }
        return Checksums.IbanMod97(compact[..n]) ? pos : 0;
    }
}

/// <summary>
/// What may stand between the characters of an identifier written by a person or a system: a run of at most
/// <see cref="MaxRunChars"/> white-space characters (spaces — ASCII, no-break, figure, thin, narrow no-break — tabs, line
/// breaks, zero-width characters), or ONE dash (ASCII, hyphen, non-breaking hyphen, figure or en dash), dot or <c>+</c>, or a
/// URL-encoded space <c>%20</c>. A dash, dot or plus with spaces around it (<c>4500 + 3375</c>, <c>12 - 4</c>) is arithmetic
/// or prose, not a separator.
/// </summary>
internal static class Separators
{
    /// <summary>Longest white-space run between two characters of one identifier (<c>"\r\n"</c> plus an indent).</summary>
    public const int MaxRunChars = 3;

    public static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r'
        or '\u00A0' or '\u2007' or '\u2009' or '\u202F'              // no-break, figure, thin, narrow no-break spaces
        or '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF'; // zero-width characters editors and chat apps insert

    public static bool IsMark(char c) => c is '-' or '.' or '+'
        or '\u2010' or '\u2011' or '\u2012' or '\u2013';             // hyphen, non-breaking hyphen, figure dash, en dash

    /// <summary>The position after the separator at <paramref name="pos"/> (itself when there is none, or it is not one).</summary>
    public static int Skip(string text, int pos)
    {
        if (pos >= text.Length)
        {
            return pos;
        }
        int p;
        if (IsMark(text[pos]))
        {
            p = pos + 1;
        }
        else if (text[pos] == '%' && pos + 2 < text.Length && text[pos + 1] == '2' && text[pos + 2] == '0')
        {
            p = pos + 3;
        }
        else
        {
            p = pos;
            while (p < text.Length && p - pos < MaxRunChars && IsSpace(text[p]))
            {
                p++;
            }
        }
        // Anything more (a longer run, a mark after spaces) is not one separator.
        return p < text.Length && (IsSpace(text[p]) || IsMark(text[p]) || text[p] == '%') ? pos : p;
    }
}

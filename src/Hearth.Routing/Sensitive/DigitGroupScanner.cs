namespace Hearth.Routing.Sensitive;

/// <summary>
/// Finds the check-digit numbers written as runs of digit groups — payment cards (Luhn, issuer ranges) and German tax ids
/// (ISO 7064 MOD 11,10) — by walking the text: digits split by <see cref="Separators"/> form one chain of groups, and every
/// run of consecutive groups whose layout is one people use for that identifier is checked, wherever it sits in the chain.
/// So a card is found when an expiry date or CVV follows it (<c>4111 1111 1111 1111 12/27</c>), when a number precedes it,
/// when dots, no-break spaces or a line break separate its groups, and when a label is glued to it (<c>cc4111…</c>).
/// A digit run inside a hex string or an alphanumeric id (letters and digits on the glued side) is not a number.
/// </summary>
internal static class DigitGroupScanner
{
    /// <summary>Groups in one chain that are examined (a chain is cut into windows of at most this many).</summary>
    private const int MaxGroups = 64;

    public static void Scan(string text, List<SensitiveSpan> found)
    {
        Span<int> starts = stackalloc int[MaxGroups];
        Span<int> lengths = stackalloc int[MaxGroups];
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                i++;
                continue;
            }
            var count = 0;
            var pos = i;
            while (true)
            {
                var s = pos;
                while (pos < text.Length && char.IsAsciiDigit(text[pos]))
                {
                    pos++;
                }
                starts[count] = s;
                lengths[count] = pos - s;
                count++;
                var next = Separators.Skip(text, pos);
                if (count == MaxGroups || next == pos || next >= text.Length || !char.IsAsciiDigit(text[next]))
                {
                    break;
                }
                pos = next;
            }
            Check(text, starts[..count], lengths[..count], found);
            // A chain cut at MaxGroups resumes a few groups back, so no window across the cut is skipped (19 digits ≤ 19 groups).
            i = count == MaxGroups ? starts[MaxGroups - 19] + lengths[MaxGroups - 19] + 1 : pos;
        }
    }

    private static void Check(string text, ReadOnlySpan<int> starts, ReadOnlySpan<int> lengths, List<SensitiveSpan> found)
    {
        Span<char> digits = stackalloc char[19];
        for (var first = 0; first < starts.Length; first++)
        {
            var total = 0;
            for (var last = first; last < starts.Length; last++)
            {
                total += lengths[last];
                if (total > 19)
                {
                    break;
                }
                var groups = lengths[first..(last + 1)];
                var isCardLayout = total >= 13 && CardLayout(groups);
                var isTaxIdLayout = total == 11 && TaxIdLayout(groups);
                if (!isCardLayout && !isTaxIdLayout)
                {
                    continue;
                }
                var start = starts[first];
                var end = starts[last] + lengths[last];
                if (InsideAlphanumericId(text, start, end) || (first == last && IsDecimalFraction(text, start)))
                {
                    continue;
                }
                var n = 0;
                for (var g = first; g <= last; g++)
                {
                    text.AsSpan(starts[g], lengths[g]).CopyTo(digits[n..]);
                    n += lengths[g];
                }
                if (isCardLayout && Checksums.Luhn(digits[..n]) && KnownIssuer(digits[..n]))
                {
                    found.Add(new SensitiveSpan(SensitiveKind.PaymentCard, start, end - start));
                }
                else if (isTaxIdLayout && Checksums.GermanTaxId(digits[..n]))
                {
                    found.Add(new SensitiveSpan(SensitiveKind.GermanTaxId, start, end - start));
                }
            }
        }
    }

    /// <summary>
    /// How card numbers are written: one run of 13–19 digits, or issuers' groupings — fours with a shorter last group
    /// (4-4-4-4, 4-4-4-1, 4-4-4-4-3), 4-6-5 (Amex), 4-6-4 (Diners) and 6-13 (19-digit UnionPay/Maestro).
    /// A run of 4-digit groups (a table of years or amounts) still has to pass Luhn and an issuer range.
    /// </summary>
    private static bool CardLayout(ReadOnlySpan<int> g)
    {
        if (g.Length == 1)
        {
            return true;
        }
        if ((g.Length == 3 && g[0] == 4 && g[1] == 6 && g[2] is 4 or 5) || (g.Length == 2 && g[0] == 6 && g[1] == 13))
        {
            return true;
        }
        if (g.Length < 3)
        {
            return false;
        }
        for (var k = 0; k < g.Length - 1; k++)
        {
            if (g[k] != 4)
            {
                return false;
            }
        }
        return g[^1] is >= 1 and <= 4;
    }

    /// <summary>The German tax id unseparated or as printed on letters: 2-3-3-3, 3-3-3-2 or 4-4-3.</summary>
    private static bool TaxIdLayout(ReadOnlySpan<int> g) =>
        g.Length == 1
        || (g.Length == 4 && ((g[0] == 2 && g[1] == 3 && g[2] == 3 && g[3] == 3) || (g[0] == 3 && g[1] == 3 && g[2] == 3 && g[3] == 2)))
        || (g.Length == 3 && g[0] == 4 && g[1] == 4 && g[2] == 3);

    /// <summary>
    /// Issuer identification ranges of the card networks (ISO/IEC 7812): UATP (1, 15 digits), Mir (2200–2204),
    /// Mastercard (2221–2720, 51–55), Amex (34, 37), Diners (30, 36, 38, 39), JCB (35), Visa (4), Maestro and the other
    /// 5- and 6-ranges (Discover, UnionPay, RuPay, Maestro, InstaPayment, Verve, Elo), UnionPay and RuPay (81, 82), Troy (9792).
    /// </summary>
    internal static bool KnownIssuer(ReadOnlySpan<char> d)
    {
        var two = ((d[0] - '0') * 10) + (d[1] - '0');
        var four = (two * 100) + ((d[2] - '0') * 10) + (d[3] - '0');
        return d[0] switch
        {
            '1' => d.Length == 15,
            '2' => four is >= 2200 and <= 2204 or >= 2221 and <= 2720,
            '3' => two is 30 or 34 or 35 or 36 or 37 or 38 or 39,
            '4' or '5' or '6' => true,
            '8' => two is 81 or 82,
            '9' => four == 9792,
            _ => false,
        };
    }

    /// <summary>The digits after a decimal point or comma (<c>0.666666666666667</c>) are a fraction, not a number of their own.</summary>
    private static bool IsDecimalFraction(string text, int start) =>
        start >= 2 && text[start - 1] is '.' or ',' && char.IsAsciiDigit(text[start - 2]);

    /// <summary>
    /// True when the digits are one piece of a longer alphanumeric string rather than a number: glued to letters on both
    /// sides (<c>ab2646658421233cd0</c>), or on one side to a run that itself mixes letters and digits (a hash, a UUID
    /// part). A label glued on one side (<c>cc4111…</c>, <c>IdNr12345678901</c>) does not make it an id.
    /// </summary>
    internal static bool InsideAlphanumericId(string text, int start, int end)
    {
        var left = start > 0 && char.IsAsciiLetter(text[start - 1]);
        var right = end < text.Length && char.IsAsciiLetter(text[end]);
        if (left && right)
        {
            return true;
        }
        if (left && MixedRun(text, start - 1, -1))
        {
            return true;
        }
        return right && MixedRun(text, end, 1);
    }

    /// <summary>True when the alphanumeric run from <paramref name="from"/> in direction <paramref name="step"/> holds a digit.</summary>
    private static bool MixedRun(string text, int from, int step)
    {
        for (var p = from; p >= 0 && p < text.Length && char.IsAsciiLetterOrDigit(text[p]); p += step)
        {
            if (char.IsAsciiDigit(text[p]))
            {
                return true;
            }
        }
        return false;
    }
}

using System.Globalization;

namespace Hearth.Inference.Tokenizers;

/// <summary>
/// Builds a UTF-16 string with exactly one <see cref="char"/> per code point so that .NET regular expressions
/// (which classify UTF-16 units) see supplementary characters with their real general category:
/// a supplementary code point is replaced by a BMP stand-in of the same category (llama.cpp does the same kind of
/// "collapse" before running std::regex). Match offsets in the result are code point offsets.
/// </summary>
/// <remarks>
/// Stand-ins are chosen outside the explicit non-ASCII ranges used by the supported pre-tokenizer patterns
/// (e.g. DeepSeek's CJK and ࠀ-一 ranges), except supplementary cased letters, which map into DeepSeek-LLM's
/// fullwidth Latin range because that pattern lists the supplementary cased-letter blocks explicitly.
/// </remarks>
internal static class CodepointText
{
    private static readonly char[] s_standIns = BuildStandIns();

    /// <summary>Fills <paramref name="destination"/> with one stand-in unit per code point.</summary>
    public static void Map(ReadOnlySpan<int> codepoints, Span<char> destination)
    {
        for (var i = 0; i < codepoints.Length; i++)
        {
            var cp = codepoints[i];
            destination[i] = cp < 0x10000 ? (char)cp : StandIn(cp);
        }
    }

    private static char StandIn(int cp) =>
        cp > 0x10FFFF ? '\uFFFD' : s_standIns[(int)CharUnicodeInfo.GetUnicodeCategory(cp)];

    private static char[] BuildStandIns()
    {
        var map = new char[(int)UnicodeCategory.OtherNotAssigned + 1];
        Set(UnicodeCategory.UppercaseLetter, '\uFF21');       // Ａ
        Set(UnicodeCategory.LowercaseLetter, '\uFF41');       // ａ
        Set(UnicodeCategory.TitlecaseLetter, '\u01C5');       // ǅ
        Set(UnicodeCategory.ModifierLetter, '\u02B0');        // ʰ
        Set(UnicodeCategory.OtherLetter, '\uA000');           // Yi syllable
        Set(UnicodeCategory.NonSpacingMark, '\u0300');
        Set(UnicodeCategory.SpacingCombiningMark, '\uA823');
        Set(UnicodeCategory.EnclosingMark, '\uA670');
        Set(UnicodeCategory.DecimalDigitNumber, '\uFF10');    // ０
        Set(UnicodeCategory.LetterNumber, '\uA6E6');
        Set(UnicodeCategory.OtherNumber, '\u00B2');
        Set(UnicodeCategory.SpaceSeparator, '\u3000');
        Set(UnicodeCategory.LineSeparator, '\u2028');
        Set(UnicodeCategory.ParagraphSeparator, '\u2029');
        Set(UnicodeCategory.Control, '\u0001');
        Set(UnicodeCategory.Format, '\uFEFF');
        Set(UnicodeCategory.Surrogate, '\uD800');
        Set(UnicodeCategory.PrivateUse, '\uE000');
        Set(UnicodeCategory.ConnectorPunctuation, '\uFE4D');
        Set(UnicodeCategory.DashPunctuation, '\uFE58');
        Set(UnicodeCategory.OpenPunctuation, '\uFE59');
        Set(UnicodeCategory.ClosePunctuation, '\uFE5A');
        Set(UnicodeCategory.InitialQuotePunctuation, '\u2E02');
        Set(UnicodeCategory.FinalQuotePunctuation, '\u2E03');
        Set(UnicodeCategory.OtherPunctuation, '\uFE50');
        Set(UnicodeCategory.MathSymbol, '\uFE62');
        Set(UnicodeCategory.CurrencySymbol, '\uFE69');
        Set(UnicodeCategory.ModifierSymbol, '\uFFE3');
        Set(UnicodeCategory.OtherSymbol, '\uFFE4');
        Set(UnicodeCategory.OtherNotAssigned, '\uFFFE');
        return map;

        void Set(UnicodeCategory category, char c) => map[(int)category] = c;
    }
}

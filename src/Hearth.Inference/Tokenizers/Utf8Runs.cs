using System.Buffers;
using System.Text;

namespace Hearth.Inference.Tokenizers;

/// <summary>
/// Splits bytes into well-formed UTF-8 runs and ill-formed sequences (strict Unicode rules: no overlong forms, no
/// surrogates, nothing above U+10FFFF), so tokenizers can treat the valid runs as text and keep every other byte as it is.
/// </summary>
internal static class Utf8Runs
{
    /// <summary>Length of the longest prefix of <paramref name="utf8"/> that is well-formed UTF-8.</summary>
    public static int ValidPrefixLength(ReadOnlySpan<byte> utf8)
    {
        var i = 0;
        while (i < utf8.Length)
        {
            if (utf8[i] < 0x80)
            {
                i++;
                continue;
            }
            if (Rune.DecodeFromUtf8(utf8[i..], out _, out var consumed) != OperationStatus.Done)
            {
                break;
            }
            i += consumed;
        }
        return i;
    }

    /// <summary>
    /// Length (at least 1) of the ill-formed sequence at the start of <paramref name="utf8"/>: the "maximal subpart" Unicode
    /// replaces with one U+FFFD, or an incomplete sequence cut off by the end of the input.
    /// </summary>
    public static int InvalidPrefixLength(ReadOnlySpan<byte> utf8)
    {
        var status = Rune.DecodeFromUtf8(utf8, out _, out var consumed);
        return status == OperationStatus.Done ? 0 : Math.Max(1, consumed);
    }

    /// <summary>Length (at least 1) of the first well-formed character, or of the ill-formed sequence, at the start.</summary>
    public static int FirstSequenceLength(ReadOnlySpan<byte> utf8)
    {
        Rune.DecodeFromUtf8(utf8, out _, out var consumed);
        return Math.Max(1, consumed);
    }
}

namespace Hearth.Inference.Tokenizers;

/// <summary>
/// UTF-8 helpers with llama.cpp's tolerance rules: each byte that does not start a well-formed sequence
/// becomes one U+FFFD and decoding resumes at the next byte (overlong forms are not rejected, as upstream).
/// </summary>
internal static class Utf8Codec
{
    public const int ReplacementCharacter = 0xFFFD;

    /// <summary>Decodes <paramref name="utf8"/> into <paramref name="codepoints"/> (must hold utf8.Length items); returns the count.</summary>
    public static int Decode(ReadOnlySpan<byte> utf8, Span<int> codepoints)
    {
        var count = 0;
        var i = 0;
        while (i < utf8.Length)
        {
            var b0 = utf8[i];
            if (b0 < 0x80)
            {
                codepoints[count++] = b0;
                i++;
                continue;
            }
            int cp;
            int length;
            if ((b0 & 0x40) == 0)
            {
                length = 0;
                cp = 0;
            }
            else if ((b0 & 0x20) == 0)
            {
                length = 2;
                cp = b0 & 0x1F;
            }
            else if ((b0 & 0x10) == 0)
            {
                length = 3;
                cp = b0 & 0x0F;
            }
            else if ((b0 & 0x08) == 0)
            {
                length = 4;
                cp = b0 & 0x07;
            }
            else
            {
                length = 0;
                cp = 0;
            }
            var ok = length > 0 && i + length <= utf8.Length;
            for (var k = 1; ok && k < length; k++)
            {
                var b = utf8[i + k];
                if ((b & 0xC0) != 0x80)
                {
                    ok = false;
                    break;
                }
                cp = (cp << 6) | (b & 0x3F);
            }
            if (ok)
            {
                codepoints[count++] = cp;
                i += length;
            }
            else
            {
                codepoints[count++] = ReplacementCharacter;
                i++;
            }
        }
        return count;
    }

    /// <summary>Writes the UTF-8 form of a code point (surrogate code points are encoded as-is, as upstream); returns the byte count.</summary>
    public static int Encode(int cp, Span<byte> destination)
    {
        if (cp < 0x80)
        {
            destination[0] = (byte)cp;
            return 1;
        }
        if (cp < 0x800)
        {
            destination[0] = (byte)(0xC0 | (cp >> 6));
            destination[1] = (byte)(0x80 | (cp & 0x3F));
            return 2;
        }
        if (cp < 0x10000)
        {
            destination[0] = (byte)(0xE0 | (cp >> 12));
            destination[1] = (byte)(0x80 | ((cp >> 6) & 0x3F));
            destination[2] = (byte)(0x80 | (cp & 0x3F));
            return 3;
        }
        destination[0] = (byte)(0xF0 | ((cp >> 18) & 0x07));
        destination[1] = (byte)(0x80 | ((cp >> 12) & 0x3F));
        destination[2] = (byte)(0x80 | ((cp >> 6) & 0x3F));
        destination[3] = (byte)(0x80 | (cp & 0x3F));
        return 4;
    }
}

namespace Hearth.Routing.Features;

/// <summary>Lower-cased word tokens of a text; digit runs become shape tokens ("#1", "#2", ... by length).</summary>
internal static class TextTokens
{
    /// <summary>Longest word kept whole; longer words are cut (bounded work per token).</summary>
    public const int MaxWordChars = 24;

    public static List<string> Words(string text, int maxTokens = 4096)
    {
        var words = new List<string>(Math.Min(maxTokens, (text.Length / 5) + 4));
        int i = 0;
        Span<char> buffer = stackalloc char[MaxWordChars];
        while (i < text.Length && words.Count < maxTokens)
        {
            var c = text[i];
            if (char.IsLetter(c))
            {
                int n = 0;
                while (i < text.Length && (char.IsLetter(text[i]) || text[i] == '\''))
                {
                    if (n < MaxWordChars)
                    {
                        buffer[n++] = char.ToLowerInvariant(text[i]);
                    }
                    i++;
                }
                words.Add(new string(buffer[..n]));
            }
            else if (char.IsDigit(c))
            {
                int n = 0;
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] == ',' || (text[i] == '.' && i + 1 < text.Length && char.IsDigit(text[i + 1]))))
                {
                    if (char.IsDigit(text[i]))
                    {
                        n++;
                    }
                    i++;
                }
                words.Add(n switch { 1 => "#1", 2 => "#2", 3 => "#3", _ => "#4+" });
            }
            else
            {
                if (c is '?' or '$' or '%' or '=' or '+' or '*' or '/' or '{' or '}' or '<' or '>' or '|')
                {
                    words.Add(c.ToString());
                }
                i++;
            }
        }
        return words;
    }
}

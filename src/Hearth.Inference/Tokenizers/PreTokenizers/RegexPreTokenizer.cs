using System.Text.RegularExpressions;

namespace Hearth.Inference.Tokenizers.PreTokenizers;

/// <summary>
/// Splits text (one UTF-16 unit per code point, see <see cref="CodepointText"/>) into pre-tokens by applying
/// split patterns in sequence, like llama.cpp's <c>unicode_regex_split</c>: each pattern runs inside every piece
/// left by the previous one, and both the matches and the unmatched text between them become pieces.
/// </summary>
internal sealed class RegexPreTokenizer
{
    private static readonly TimeSpan s_matchTimeout = TimeSpan.FromSeconds(10);
    private readonly Regex[] _steps;

    public RegexPreTokenizer(string name, IEnumerable<string> patterns)
    {
        Name = name;
        _steps = patterns.Select(Compile).ToArray();
    }

    /// <summary>
    /// Backtracking engine, compiled. (The linear-time NonBacktracking engine was tried and skipped matches of the
    /// large DeepSeek character classes on random input, so it is not used.) The alternatives of every pattern consume
    /// the runs they scan, so the total work stays linear; DeepSeek's trailing-whitespace pattern is rewritten for that
    /// reason (<see cref="PreTokenizerPatterns.TrailingWhitespace"/>). The timeout is a last guard.
    /// </summary>
    private static Regex Compile(string pattern) =>
        new(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, s_matchTimeout);

    /// <summary>The pre-tokenizer's name.</summary>
    public string Name { get; }

    /// <summary>Appends the lengths (in code points) of the pieces of <paramref name="text"/> to <paramref name="pieces"/>.</summary>
    /// <param name="text">The text, one unit per code point.</param>
    /// <param name="pieces">Receives the piece lengths (cleared first).</param>
    /// <param name="scratch">A second buffer the method may use.</param>
    public void Split(ReadOnlySpan<char> text, List<int> pieces, List<int> scratch)
    {
        pieces.Clear();
        if (text.IsEmpty)
        {
            return;
        }
        var current = pieces;
        var next = scratch;
        current.Add(text.Length);
        foreach (var step in _steps)
        {
            next.Clear();
            var start = 0;
            foreach (var length in current)
            {
                var piece = text.Slice(start, length);
                var position = 0;
                foreach (var match in step.EnumerateMatches(piece))
                {
                    if (match.Length == 0)
                    {
                        continue;
                    }
                    if (match.Index > position)
                    {
                        next.Add(match.Index - position);
                    }
                    next.Add(match.Length);
                    position = match.Index + match.Length;
                }
                if (position < length)
                {
                    next.Add(length - position);
                }
                start += length;
            }
            (current, next) = (next, current);
        }
        if (!ReferenceEquals(current, pieces))
        {
            pieces.Clear();
            pieces.AddRange(current);
        }
    }
}

namespace Hearth.Inference.Tokenizers;

/// <summary>A piece of input: either a special token already recognised, or raw text still to tokenize.</summary>
/// <param name="TokenId">The special token id, or -1 for raw text.</param>
/// <param name="Start">Byte offset of raw text.</param>
/// <param name="Length">Byte length of raw text.</param>
internal readonly record struct TextFragment(int TokenId, int Start, int Length)
{
    public bool IsToken => TokenId >= 0;
}

/// <summary>
/// Cuts special-token strings out of the text before the tokenizer's algorithm runs (llama.cpp's
/// <c>tokenizer_st_partition</c>): longest tokens first; user-defined tokens always, control and unknown tokens
/// only when special-token parsing is requested. Tokens marked left/right-strip swallow adjacent ASCII whitespace.
/// </summary>
internal sealed class SpecialTokenSplitter
{
    private readonly Entry[] _entries;

    public SpecialTokenSplitter(IReadOnlyList<string> pieces, TokenType[] types, IReadOnlySet<int>? leftStrip, IReadOnlySet<int>? rightStrip)
    {
        var entries = new List<Entry>();
        for (var id = 0; id < types.Length; id++)
        {
            var type = types[id];
            if (type is not (TokenType.Control or TokenType.UserDefined or TokenType.Unknown) || pieces[id].Length == 0)
            {
                continue;
            }
            entries.Add(new Entry(
                id,
                System.Text.Encoding.UTF8.GetBytes(pieces[id]),
                type == TokenType.UserDefined,
                leftStrip?.Contains(id) == true,
                rightStrip?.Contains(id) == true));
        }
        _entries = [.. entries.OrderByDescending(e => e.Bytes.Length).ThenBy(e => e.Id)];
        HasUserDefined = _entries.Any(e => e.AlwaysSplit);
    }

    /// <summary>Whether any token is split even without special-token parsing.</summary>
    public bool HasUserDefined { get; }

    /// <summary>Splits <paramref name="text"/> into <paramref name="output"/> (cleared first).</summary>
    public void Split(ReadOnlySpan<byte> text, bool parseSpecial, List<TextFragment> output)
    {
        output.Clear();
        if (text.IsEmpty)
        {
            return;
        }
        output.Add(new TextFragment(-1, 0, text.Length));
        if (!parseSpecial && !HasUserDefined)
        {
            return;
        }
        List<TextFragment>? next = null;
        foreach (var entry in _entries)
        {
            if (!parseSpecial && !entry.AlwaysSplit)
            {
                continue;
            }
            next ??= new List<TextFragment>(output.Count + 4);
            next.Clear();
            var changed = false;
            foreach (var fragment in output)
            {
                if (fragment.IsToken || fragment.Length < entry.Bytes.Length)
                {
                    next.Add(fragment);
                    continue;
                }
                changed |= SplitOne(text, fragment, entry, next);
            }
            if (changed)
            {
                output.Clear();
                output.AddRange(next);
            }
        }
    }

    private static bool SplitOne(ReadOnlySpan<byte> text, TextFragment fragment, Entry entry, List<TextFragment> next)
    {
        var position = fragment.Start;
        var end = fragment.Start + fragment.Length;
        var found = false;
        while (position < end)
        {
            var index = text[position..end].IndexOf(entry.Bytes);
            if (index < 0)
            {
                break;
            }
            found = true;
            var match = position + index;
            var leftLength = match - position;
            if (entry.LeftStrip)
            {
                while (leftLength > 0 && IsAsciiSpace(text[position + leftLength - 1]))
                {
                    leftLength--;
                }
            }
            if (leftLength > 0)
            {
                next.Add(new TextFragment(-1, position, leftLength));
            }
            next.Add(new TextFragment(entry.Id, 0, 0));
            position = match + entry.Bytes.Length;
            if (entry.RightStrip)
            {
                while (position < end && IsAsciiSpace(text[position]))
                {
                    position++;
                }
            }
        }
        if (!found)
        {
            next.Add(fragment);
            return false;
        }
        if (position < end)
        {
            next.Add(new TextFragment(-1, position, end - position));
        }
        return true;
    }

    private static bool IsAsciiSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private sealed record Entry(int Id, byte[] Bytes, bool AlwaysSplit, bool LeftStrip, bool RightStrip);
}

using System.Text;
using Hearth.Inference.Models;

namespace Hearth.Inference.Engine;

public sealed partial class LoadedModel
{
    /// <summary>
    /// Slack on the bytes one token can stand for, for tokenizers that normalise text first: Unicode composition can shrink
    /// the input (e.g. <c>e</c> + U+0323 + U+0302, 5 bytes, becomes U+1EC7, 3 bytes), never by more than this factor, so a bound
    /// with it stays an upper bound on the bytes of a prompt that fits.
    /// </summary>
    public const int PromptBytesPerTokenMargin = 4;

    private int _maxTokenBytes;

    /// <summary>The most text bytes one vocabulary token stands for (its raw piece or its decoded bytes, whichever is longer).</summary>
    public int MaxTokenBytes
    {
        get
        {
            var cached = Volatile.Read(ref _maxTokenBytes);
            if (cached > 0)
            {
                return cached;
            }
            var max = 1;
            for (var id = 0; id < Tokenizer.VocabularySize; id++)
            {
                max = Math.Max(max, Math.Max(Tokenizer.TokenBytes(id).Length, Encoding.UTF8.GetByteCount(Tokenizer.TokenText(id))));
            }
            Volatile.Write(ref _maxTokenBytes, max);
            return max;
        }
    }

    /// <summary>
    /// The longest prompt, in UTF-8 bytes, that can possibly fit the context window: every token covers at most
    /// <see cref="MaxTokenBytes"/> × <see cref="PromptBytesPerTokenMargin"/> bytes of input, so a longer text has more tokens than
    /// the window holds. Checking it costs no tokenization.
    /// </summary>
    public long MaxPromptBytes => (long)Info.ContextLength * MaxTokenBytes * PromptBytesPerTokenMargin;

    /// <summary>The fewest tokens <paramref name="utf8Bytes"/> of text can encode to (each token covers at most MaxTokenBytes × margin bytes).</summary>
    public long MinTokensFor(long utf8Bytes) => utf8Bytes / ((long)MaxTokenBytes * PromptBytesPerTokenMargin);

    /// <summary>
    /// Throws <see cref="ContextOverflowException"/> (with <see cref="ContextOverflowException.IsLowerBound"/>) when a text of
    /// <paramref name="utf8Bytes"/> bytes cannot fit the context window, before any template rendering or tokenization: the
    /// work an oversized prompt costs stays O(bytes) counting instead of a full tokenization.
    /// </summary>
    public void EnsurePromptBytesFit(long utf8Bytes)
    {
        if (utf8Bytes > MaxPromptBytes)
        {
            throw new ContextOverflowException((int)Math.Min(int.MaxValue, MinTokensFor(utf8Bytes)), Info.ContextLength, utf8Bytes);
        }
    }

    /// <summary>
    /// Bytes of text sampled per context token by <see cref="EnsurePromptFits"/>: a prompt longer than context × this is checked
    /// on a prefix of that length before it is tokenized whole. Natural text runs 3–5 bytes per token in the vocabularies here,
    /// so such a prefix of a prompt that is really too long already holds more tokens than the window.
    /// </summary>
    public const int PrefixCheckBytesPerToken = 8;

    /// <summary>
    /// Refuses a prompt that cannot fit the context window without tokenizing all of it: first on its byte length
    /// (<see cref="EnsurePromptBytesFit"/>); then, when it is longer than context × <see cref="PrefixCheckBytesPerToken"/> bytes, on
    /// the token count of a prefix of that length (cut at white space). The prefix test refuses only when the prefix alone holds
    /// more than the window plus a margin (an eighth of the window + 64 tokens, for merges across the cut), so it never refuses a
    /// prompt the exact check after full tokenization would accept; a prompt it lets through is tokenized and checked exactly.
    /// The work an oversized prompt costs is thus bounded by the context length, not by the size of the request.
    /// </summary>
    /// <param name="texts">The prompt's texts in order (the messages' text; the rendered prompt contains all of them).</param>
    /// <param name="parseSpecialTokens">As the full tokenization will parse them, so the prefix is counted the same way.</param>
    /// <exception cref="ContextOverflowException">With <see cref="ContextOverflowException.IsLowerBound"/>: the prompt cannot fit.</exception>
    public void EnsurePromptFits(IReadOnlyList<string> texts, bool parseSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(texts);
        long bytes = 0;
        foreach (var text in texts)
        {
            bytes += Encoding.UTF8.GetByteCount(text);
        }
        EnsurePromptBytesFit(bytes);
        var sampleChars = (long)Info.ContextLength * PrefixCheckBytesPerToken;
        if (bytes <= sampleChars)
        {
            return;
        }
        // Concatenate only as many characters as the sample needs; a char is at least one UTF-8 byte, so bytes > sample here
        // means the texts hold more than sampleChars characters or the prefix below covers all of them.
        var prefix = new StringBuilder((int)Math.Min(sampleChars + 1, int.MaxValue / 2));
        foreach (var text in texts)
        {
            if (prefix.Length > 0)
            {
                prefix.Append('\n');
            }
            var room = sampleChars - prefix.Length;
            if (room <= 0)
            {
                break;
            }
            prefix.Append(text, 0, (int)Math.Min(room, text.Length));
        }
        var cut = prefix.Length;
        if (cut >= sampleChars)
        {
            // Cut at white space near the end so the last word is not split (a split word may take more tokens than whole).
            var floor = Math.Max(0, cut - 256);
            var at = cut - 1;
            while (at > floor && !char.IsWhiteSpace(prefix[at]))
            {
                at--;
            }
            cut = at > floor ? at : cut;
            if (cut > 0 && char.IsHighSurrogate(prefix[cut - 1]))
            {
                cut--;
            }
        }
        var tokens = Tokenizer.Encode(prefix.ToString(0, cut), addBos: false, parseSpecialTokens).Length;
        var limit = (long)Info.ContextLength + Info.ContextLength / 8 + 64;
        if (tokens > limit)
        {
            // Less the margin, the prefix's count is a lower bound on the whole prompt's.
            throw new ContextOverflowException((int)(tokens - (limit - Info.ContextLength)), Info.ContextLength, bytes);
        }
    }
}

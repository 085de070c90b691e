using System.Text;

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
}

using System.Text;

namespace Hearth.Inference.Tokenizers;

/// <summary>
/// Turns a stream of generated token ids into text pieces without splitting UTF-8 characters: bytes of an
/// incomplete trailing sequence (a byte token or byte-level piece in the middle of a character) are held until the
/// character completes. Bytes that can never complete are emitted as U+FFFD. Not thread-safe: one per stream.
/// </summary>
public sealed class StreamingTextDecoder
{
    private readonly ITokenizer _tokenizer;
    private readonly List<byte> _pending = new(8);

    public StreamingTextDecoder(ITokenizer t)
    {
        ArgumentNullException.ThrowIfNull(t);
        _tokenizer = t;
    }

    /// <summary>Adds one token; returns the text that is now complete (possibly empty).</summary>
    public string Append(int tokenId)
    {
        _pending.AddRange(_tokenizer.TokenBytes(tokenId));
        var bytes = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending);
        var complete = CompleteLength(bytes);
        if (complete == 0)
        {
            return string.Empty;
        }
        var text = Encoding.UTF8.GetString(bytes[..complete]);
        _pending.RemoveRange(0, complete);
        return text;
    }

    /// <summary>Returns whatever is held (incomplete sequences become U+FFFD) and resets.</summary>
    public string Flush()
    {
        var text = Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending));
        _pending.Clear();
        return text;
    }

    /// <summary>Length of the prefix that does not end inside a UTF-8 sequence that could still complete.</summary>
    internal static int CompleteLength(ReadOnlySpan<byte> bytes)
    {
        // Look back at most 3 bytes for the lead byte of a possibly unfinished sequence.
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // continuation byte: keep looking for its lead
            }
            var needed = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 && b < 0xF0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 1;
            return needed > back ? bytes.Length - back : bytes.Length;
        }
        return bytes.Length;
    }
}

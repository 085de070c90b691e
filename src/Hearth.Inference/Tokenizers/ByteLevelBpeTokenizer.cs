using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Hearth.Inference.Gguf;
using Hearth.Inference.Tokenizers.PreTokenizers;

namespace Hearth.Inference.Tokenizers;

/// <summary>
/// GPT-2 byte-level BPE as llama.cpp runs it for <c>tokenizer.ggml.model = gpt2</c>: the text is decoded to code
/// points, split into pre-tokens by the named pre-tokenizer, each pre-token's UTF-8 bytes are written in the GPT-2 byte
/// alphabet and merged by rank. Results are cached per pre-token.
/// </summary>
/// <remarks>
/// Bytes that are not well-formed UTF-8 (llama.cpp turns them into U+FFFD, losing them) are kept: each byte of an
/// ill-formed sequence becomes its own single-byte token, and the valid runs around it are pre-tokenized as usual, so
/// <c>DecodeToBytes(EncodeUtf8(bytes))</c> gives back exactly <c>bytes</c>. Valid UTF-8 tokenizes exactly as llama.cpp does.
/// </remarks>
internal sealed class ByteLevelBpeTokenizer : TokenizerBase
{
    /// <summary>Pre-tokens longer than this (in alphabet characters) are not cached.</summary>
    private const int MaxCachedWordLength = 64;

    /// <summary>The cache is dropped when it reaches this many words (~ a few MB), bounding memory on hostile input.</summary>
    private const int MaxCachedWords = 100_000;

    /// <summary>Scratch encoders whose buffers grew beyond this many symbols are not pooled.</summary>
    private const int MaxPooledEncoderCapacity = 4096;

    private readonly BpeMergeTable _merges;
    private readonly RegexPreTokenizer _preTokenizer;
    private readonly bool _ignoreMerges;
    private readonly NormalizationForm? _normalization;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheLookup;
    private readonly ConcurrentBag<BpeWordEncoder> _encoders = [];

    public ByteLevelBpeTokenizer(Vocabulary vocabulary)
        : this(vocabulary, PreTokenizerRegistry.Get(vocabulary?.PreTokenizer))
    {
    }

    private ByteLevelBpeTokenizer(Vocabulary vocabulary, PreTokenizerDefinition definition)
        : base(new ResolvedVocabulary(vocabulary, definition.AddBos), Render)
    {
        if (vocabulary.Merges is null)
        {
            throw new TokenizerFormatException(vocabulary.Origin, GgufNames.TokenizerMerges, "a byte-level BPE vocabulary needs merges.");
        }
        _merges = new BpeMergeTable(Vocabulary.Pieces, vocabulary.Merges);
        _preTokenizer = PreTokenizerCache.Get(definition);
        _ignoreMerges = vocabulary.IgnoreMerges ?? definition.IgnoreMerges;
        _normalization = vocabulary.Normalization is { } form && UnicodeNormalization.IsAvailable(form) ? form : null;
        _cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        PreTokenizerName = definition.Names[0];
    }

    /// <summary>The pre-tokenizer in use.</summary>
    public string PreTokenizerName { get; }

    protected override bool NeedsNormalization => _normalization is not null;

    protected override string Normalize(string text) =>
        _normalization is { } form && !text.IsNormalized(form) ? text.Normalize(form) : text;

    public override int? FindToken(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        return _merges.TokenLookup.TryGetValue(piece.AsSpan(), out var id) && id < VocabularySize ? id : null;
    }

    protected override void EncodeFragment(ReadOnlySpan<byte> utf8, bool afterSpecialOrStart, List<int> output)
    {
        var valid = Utf8Runs.ValidPrefixLength(utf8);
        if (valid == utf8.Length)
        {
            EncodeText(utf8, output);
            return;
        }
        while (!utf8.IsEmpty)
        {
            if (valid > 0)
            {
                EncodeText(utf8[..valid], output);
                utf8 = utf8[valid..];
            }
            if (utf8.IsEmpty)
            {
                break;
            }
            var invalid = Utf8Runs.InvalidPrefixLength(utf8);
            foreach (var b in utf8[..invalid])
            {
                // Every GPT-2-style vocabulary has the 256 byte characters as tokens; a malformed one lacking a byte drops it.
                if (_merges.ByteSymbols[b] is var id && id < VocabularySize)
                {
                    output.Add(id);
                }
            }
            utf8 = utf8[invalid..];
            valid = Utf8Runs.ValidPrefixLength(utf8);
        }
    }

    /// <summary>Pre-tokenizes and merges well-formed UTF-8 text.</summary>
    private void EncodeText(ReadOnlySpan<byte> utf8, List<int> output)
    {
        var codepoints = ArrayPool<int>.Shared.Rent(utf8.Length);
        var text = ArrayPool<char>.Shared.Rent(utf8.Length);
        var word = ArrayPool<byte>.Shared.Rent(utf8.Length * 4);
        var wordChars = ArrayPool<char>.Shared.Rent(utf8.Length * 4);
        try
        {
            var count = Utf8Codec.Decode(utf8, codepoints);
            var cps = codepoints.AsSpan(0, count);
            CodepointText.Map(cps, text);
            var pieces = new List<int>();
            _preTokenizer.Split(text.AsSpan(0, count), pieces, new List<int>());
            var encoder = _encoders.TryTake(out var pooled) ? pooled : new BpeWordEncoder(_merges);
            var start = 0;
            foreach (var length in pieces)
            {
                var bytes = 0;
                foreach (var cp in cps.Slice(start, length))
                {
                    bytes += Utf8Codec.Encode(cp, word.AsSpan(bytes));
                }
                start += length;
                EncodeWord(word.AsSpan(0, bytes), wordChars, encoder, output);
            }
            if (encoder.RetainedCapacity <= MaxPooledEncoderCapacity)
            {
                _encoders.Add(encoder); // an encoder grown by a huge word is dropped, not kept
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(codepoints);
            ArrayPool<char>.Shared.Return(text);
            ArrayPool<byte>.Shared.Return(word);
            ArrayPool<char>.Shared.Return(wordChars);
        }
    }

    private void EncodeWord(ReadOnlySpan<byte> word, char[] charBuffer, BpeWordEncoder encoder, List<int> output)
    {
        var chars = charBuffer.AsSpan(0, word.Length);
        for (var i = 0; i < word.Length; i++)
        {
            chars[i] = ByteLevelAlphabet.ToChar(word[i]);
        }
        if (_ignoreMerges && _merges.TokenLookup.TryGetValue(chars, out var whole) && whole < VocabularySize)
        {
            output.Add(whole);
            return;
        }
        var cacheable = chars.Length <= MaxCachedWordLength;
        if (cacheable && _cacheLookup.TryGetValue(chars, out var cached))
        {
            output.AddRange(cached);
            return;
        }
        var before = output.Count;
        encoder.Encode(word, output);
        if (cacheable)
        {
            if (_cache.Count >= MaxCachedWords)
            {
                _cache.Clear();
            }
            _cache.TryAdd(new string(chars), [.. output.GetRange(before, output.Count - before)]);
        }
    }

    private static byte[] Render(string piece, TokenType type)
    {
        switch (type)
        {
            case TokenType.Normal:
                var buffer = new List<byte>(piece.Length);
                Span<byte> utf8 = stackalloc byte[4];
                foreach (var rune in piece.EnumerateRunes())
                {
                    var b = rune.IsBmp ? ByteLevelAlphabet.ToByte((char)rune.Value) : -1;
                    if (b >= 0)
                    {
                        buffer.Add((byte)b);
                    }
                    else
                    {
                        // Outside the byte alphabet (malformed vocabulary): keep the character's own UTF-8.
                        var n = rune.EncodeToUtf8(utf8);
                        for (var i = 0; i < n; i++)
                        {
                            buffer.Add(utf8[i]);
                        }
                    }
                }
                return [.. buffer];
            case TokenType.UserDefined:
                return Encoding.UTF8.GetBytes(piece);
            default:
                return [];
        }
    }
}

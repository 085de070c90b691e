namespace Hearth.Inference.Tokenizers.PreTokenizers;

/// <summary>
/// The split patterns of llama.cpp's byte-level BPE pre-tokenizers (src/llama-vocab.cpp), written for .NET.
/// Differences from the upstream strings: <c>$</c> is written <c>\z</c> (.NET's <c>$</c> also matches before a
/// final newline); patterns run over <see cref="CodepointText"/> so supplementary characters keep their category,
/// and DeepSeek-LLM's explicit supplementary cased-letter ranges are covered by that stand-in mapping instead of
/// being written out (a .NET character class cannot hold surrogate pairs).
/// </summary>
internal static class PreTokenizerPatterns
{
    /// <summary>GPT-2: contractions, optional space + letters / numbers / other, then whitespace not followed by
    /// non-space. llama.cpp runs this through a hand-written matcher equivalent to the regex plus a final <c>\s+</c>.</summary>
    public const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>Llama 3: case-insensitive contractions (spelled out as llama.cpp does), numbers in groups of up to three,
    /// punctuation runs keep trailing newlines, newline runs keep leading whitespace.</summary>
    public const string Llama3 = @"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Qwen 2 / StableLM 2: Llama 3's pattern with single digits.</summary>
    public const string Qwen2 = @"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public const string SingleDigit = @"\p{N}";
    public const string DigitRun = @"\p{N}+";
    public const string ThreeAsciiDigits = "[0-9][0-9][0-9]";
    public const string LineBreak = "[\r\n]";
    public const string CjkRun = "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+";

    /// <summary>default pre-tokenizer, first step: punctuation and some ASCII symbols.</summary>
    public const string DefaultPunctuation = @"[\p{P}\$\+<=>\^~\|]+";

    /// <summary>Falcon, first step: as default, plus the backtick.</summary>
    public const string FalconPunctuation = @"[\p{P}\$\+<=>\^~\|`]+";

    /// <summary>DeepSeek-LLM: an optional whitespace then a run of cased letters (Latin, Greek, Cyrillic, Armenian, Georgian, ...).</summary>
    public const string DeepSeekLlmLetters =
        @"\s?[A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA\u01BC-\u01BF\u01C4-\u0293\u0295-\u02AF\u0370-\u0373\u0376\u0377" +
        @"\u037B-\u037D\u037F\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F\u0531-\u0556" +
        @"\u10A0-\u10C5\u13A0-\u13F5\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B\u1D6B-\u1D77\u1D79-\u1D9A\u1E00-\u1F15" +
        @"\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE" +
        @"\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4\u1FF6-\u1FFC\u2102\u2107\u210A-\u2113" +
        @"\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D\u212F-\u2134\u2139\u213C-\u213F\u2145-\u2149\u214E\u2183\u2184" +
        @"\u2C00-\u2C7B\u2C7E-\u2CE4\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D\uA680-\uA69B\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E" +
        @"\uAB70-\uABBF\uFB00-\uFB06\uFB13-\uFB17\uFF21-\uFF3A\uFF41-\uFF5A]+";

    /// <summary>DeepSeek-LLM: an optional whitespace then ASCII / fullwidth / quote punctuation.</summary>
    public const string DeepSeekLlmPunctuation = @"\s?[!-/:-~\uFF01-\uFF0F\uFF1A-\uFF5E\u2018-\u201F\u3000-\u3002]+";

    /// <summary>DeepSeek-LLM: trailing whitespace of a piece (upstream <c>\s+$</c>). The lookbehind only lets a match
    /// start where a whitespace run starts, which gives the same leftmost match but keeps a long run that is not at the
    /// end from being rescanned from every position (quadratic backtracking).</summary>
    public const string TrailingWhitespace = @"(?<!\s)\s+\z";

    public const string DeepSeekCoderLetters = @"\s?\p{L}+";
    public const string DeepSeekCoderPunctuation = @"\s?\p{P}+";

    public const string DeepSeekV3Cjk = "[\u4E00-\u9FA5\u3040-\u309F\u30A0-\u30FF]+";
    public const string DeepSeekV3Main =
        @"[!""#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>BLOOM / Poro / GPT-3 Finnish: an optional space then anything but whitespace and a few punctuation marks.</summary>
    public const string Bloom = " ?[^(\\s|.,!?\u2026\u3002\uFF0C\u3001\u0964\u06D4\u060C)]+";

    /// <summary>Tekken (Mistral Nemo), in llama.cpp's rewritten form (upper/lower distinction for ASCII letters only).</summary>
    public const string Tekken =
        @"[^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))*((?=[\p{L}])([^A-Z]))+|[^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))+((?=[\p{L}])([^A-Z]))*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";
}

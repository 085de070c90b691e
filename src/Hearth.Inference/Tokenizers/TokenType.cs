namespace Hearth.Inference.Tokenizers;

/// <summary>Token kinds, numbered as GGUF's <c>tokenizer.ggml.token_type</c> (llama.cpp's <c>llama_token_type</c>).</summary>
public enum TokenType
{
    /// <summary>Not specified (treated like <see cref="Unused"/> when decoding).</summary>
    Undefined = 0,

    /// <summary>An ordinary piece produced by the tokenizer's algorithm.</summary>
    Normal = 1,

    /// <summary>The unknown-token placeholder (<c>&lt;unk&gt;</c>).</summary>
    Unknown = 2,

    /// <summary>A control token (BOS, EOS, chat markers); only produced from text when special-token parsing is on.</summary>
    Control = 3,

    /// <summary>A user-defined (added) token; always matched in text before the algorithm runs.</summary>
    UserDefined = 4,

    /// <summary>A reserved slot never produced.</summary>
    Unused = 5,

    /// <summary>A SentencePiece byte-fallback token <c>&lt;0xNN&gt;</c>.</summary>
    Byte = 6,
}

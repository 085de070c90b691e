using System.Runtime.CompilerServices;
using Hearth.Inference.Tokenizers;

namespace Hearth.Inference.Engine.Json;

/// <summary>The bytes each token contributes mid-sequence (control tokens: none), built once per tokenizer and cached.</summary>
internal sealed class JsonTokenTable
{
    private static readonly ConditionalWeakTable<ITokenizer, JsonTokenTable> s_cache = [];

    private JsonTokenTable(byte[][] bytes) => TokenBytes = bytes;

    /// <summary>Bytes per token id; empty for tokens that render no text.</summary>
    public byte[][] TokenBytes { get; }

    public static JsonTokenTable For(ITokenizer tokenizer) => s_cache.GetValue(tokenizer, Build);

    /// <summary>A table from explicit token texts (tests, and tokenizers built from lists).</summary>
    public static JsonTokenTable FromTexts(IReadOnlyList<string> texts) =>
        new(texts.Select(t => System.Text.Encoding.UTF8.GetBytes(t)).ToArray());

    private static JsonTokenTable Build(ITokenizer tokenizer)
    {
        var bytes = new byte[tokenizer.VocabularySize][];
        for (var id = 0; id < bytes.Length; id++)
        {
            bytes[id] = tokenizer.GetTokenType(id) == TokenType.Control ? [] : tokenizer.TokenBytes(id).ToArray();
        }
        return new JsonTokenTable(bytes);
    }
}

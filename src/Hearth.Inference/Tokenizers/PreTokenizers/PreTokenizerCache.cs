using System.Collections.Concurrent;

namespace Hearth.Inference.Tokenizers.PreTokenizers;

/// <summary>Compiled pre-tokenizers shared by every tokenizer that uses the same definition (regex compilation is the slow part).</summary>
internal static class PreTokenizerCache
{
    private static readonly ConcurrentDictionary<PreTokenizerDefinition, RegexPreTokenizer> s_compiled = new(ReferenceEqualityComparer.Instance);

    public static RegexPreTokenizer Get(PreTokenizerDefinition definition) =>
        s_compiled.GetOrAdd(definition, d => new RegexPreTokenizer(d.Names[0], d.Patterns));
}

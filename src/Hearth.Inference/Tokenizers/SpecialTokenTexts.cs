using System.Collections.Frozen;

namespace Hearth.Inference.Tokenizers;

/// <summary>
/// Token texts llama.cpp recognises by name (src/llama-vocab.cpp): end-of-generation markers and fill-in-the-middle
/// markers. Tokens with these texts are treated as control tokens whatever type the file gives them.
/// </summary>
internal static class SpecialTokenTexts
{
    /// <summary>Texts that end generation.</summary>
    public static readonly FrozenSet<string> EndOfGeneration = FrozenSet.ToFrozenSet(
        ["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>"], StringComparer.Ordinal);

    /// <summary>Texts taken as the end-of-turn token when the file names none (also end generation).</summary>
    public static readonly FrozenSet<string> EndOfTurn = FrozenSet.ToFrozenSet(
        ["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<EOT>", "<\uFF5Cend\u2581of\u2581sentence\uFF5C>"], StringComparer.Ordinal);

    /// <summary>Fill-in-the-middle pad / repository / file-separator texts (end generation).</summary>
    public static readonly FrozenSet<string> FillInMiddleEnders = FrozenSet.ToFrozenSet(
        ["<|fim_pad|>", "<fim-pad>", "<PAD>", "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<|file_sep|>"], StringComparer.Ordinal);

    /// <summary>Fill-in-the-middle prefix / suffix / middle texts (control, but do not end generation).</summary>
    public static readonly FrozenSet<string> FillInMiddleMarkers = FrozenSet.ToFrozenSet(
        ["<|fim_prefix|>", "<fim-prefix>", "<\uFF5Cfim\u2581begin\uFF5C>", "<PRE>",
         "<|fim_suffix|>", "<fim-suffix>", "<\uFF5Cfim\u2581hole\uFF5C>", "<SUF>",
         "<|fim_middle|>", "<fim-middle>", "<\uFF5Cfim\u2581end\uFF5C>", "<MID>"], StringComparer.Ordinal);
}

namespace Hearth.Inference.Tokenizers.PreTokenizers;

/// <summary>
/// One named byte-level BPE pre-tokenizer: split patterns applied in order (each splits every piece the previous
/// one produced, keeping both matches and the text between them), plus llama.cpp's per-pre-tokenizer flags.
/// </summary>
/// <param name="Names">Every <c>tokenizer.ggml.pre</c> value that selects it.</param>
/// <param name="Patterns">The split patterns in order.</param>
/// <param name="IgnoreMerges">Emit a pre-token whole when it is already a vocabulary entry.</param>
/// <param name="AddBos">Default for adding BOS.</param>
internal sealed record PreTokenizerDefinition(IReadOnlyList<string> Names, IReadOnlyList<string> Patterns, bool IgnoreMerges = false, bool AddBos = false);

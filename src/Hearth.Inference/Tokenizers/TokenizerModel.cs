namespace Hearth.Inference.Tokenizers;

/// <summary>The tokenization algorithm of a vocabulary.</summary>
public enum TokenizerModel
{
    /// <summary>SentencePiece-style BPE over scores with byte fallback (GGUF <c>tokenizer.ggml.model = llama</c>).</summary>
    SentencePiece,

    /// <summary>GPT-2 byte-level BPE over ranked merges (GGUF <c>tokenizer.ggml.model = gpt2</c>).</summary>
    ByteLevelBpe,
}

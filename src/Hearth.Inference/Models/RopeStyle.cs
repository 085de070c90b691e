namespace Hearth.Inference.Models;

/// <summary>Which elements of a head RoPE rotates together.</summary>
public enum RopeStyle
{
    /// <summary>Adjacent pairs (x[2i], x[2i+1]) — ggml's "normal" mode, used by <c>llama</c> GGUF files.</summary>
    Normal,

    /// <summary>Halves (x[i], x[i + d/2]) — GPT-NeoX style, used by <c>qwen2</c>.</summary>
    NeoX,
}

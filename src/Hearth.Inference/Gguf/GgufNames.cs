namespace Hearth.Inference.Gguf;

/// <summary>
/// The one registry of GGUF metadata keys and tensor names Hearth reads and writes (the names llama.cpp uses; its
/// <c>llama-arch.cpp</c> table). Architecture-scoped keys take the value of <see cref="Architecture"/> (e.g. <c>llama</c>)
/// as their prefix. Tensor element types and the set Hearth computes with are in <see cref="GgmlTypeInfo"/>; the values of
/// <see cref="FileType"/> in <see cref="GgufFileType"/>. No other file spells a key or tensor name.
/// </summary>
public static class GgufNames
{
    // general.*
    public const string Architecture = "general.architecture";
    public const string Name = "general.name";
    public const string Alignment = "general.alignment";
    public const string FileType = "general.file_type";
    public const string QuantizationVersion = "general.quantization_version";

    // {arch}.*
    public static string ContextLength(string arch) => $"{arch}.context_length";
    public static string EmbeddingLength(string arch) => $"{arch}.embedding_length";
    public static string FeedForwardLength(string arch) => $"{arch}.feed_forward_length";
    public static string BlockCount(string arch) => $"{arch}.block_count";
    public static string VocabSize(string arch) => $"{arch}.vocab_size";
    public static string HeadCount(string arch) => $"{arch}.attention.head_count";
    public static string HeadCountKv(string arch) => $"{arch}.attention.head_count_kv";
    public static string RmsNormEpsilon(string arch) => $"{arch}.attention.layer_norm_rms_epsilon";
    public static string RopeFreqBase(string arch) => $"{arch}.rope.freq_base";
    public static string RopeDimensionCount(string arch) => $"{arch}.rope.dimension_count";
    public static string RopeScalingType(string arch) => $"{arch}.rope.scaling.type";
    public static string RopeScalingFactor(string arch) => $"{arch}.rope.scaling.factor";
    public static string RopeScalingLowFrequencyFactor(string arch) => $"{arch}.rope.scaling.low_freq_factor";
    public static string RopeScalingHighFrequencyFactor(string arch) => $"{arch}.rope.scaling.high_freq_factor";
    public static string RopeScalingOriginalContextLength(string arch) => $"{arch}.rope.scaling.original_context_length";

    // tokenizer.*
    public const string TokenizerModel = "tokenizer.ggml.model";
    public const string TokenizerPre = "tokenizer.ggml.pre";
    public const string TokenizerTokens = "tokenizer.ggml.tokens";
    public const string TokenizerScores = "tokenizer.ggml.scores";
    public const string TokenizerTokenType = "tokenizer.ggml.token_type";
    public const string TokenizerMerges = "tokenizer.ggml.merges";
    public const string BosTokenId = "tokenizer.ggml.bos_token_id";
    public const string EosTokenId = "tokenizer.ggml.eos_token_id";
    public const string UnknownTokenId = "tokenizer.ggml.unknown_token_id";
    public const string PaddingTokenId = "tokenizer.ggml.padding_token_id";
    public const string EndOfTurnTokenId = "tokenizer.ggml.eot_token_id";
    public const string EndOfMessageTokenId = "tokenizer.ggml.eom_token_id";
    public const string AddBosToken = "tokenizer.ggml.add_bos_token";
    public const string AddEosToken = "tokenizer.ggml.add_eos_token";
    public const string AddSpacePrefix = "tokenizer.ggml.add_space_prefix";
    public const string ChatTemplate = "tokenizer.chat_template";

    /// <summary>Prefix shared by every tokenizer key (copied whole when a vocabulary is transplanted).</summary>
    public const string TokenizerPrefix = "tokenizer.";

    // tensors
    public const string TokenEmbedding = "token_embd.weight";
    public const string OutputNorm = "output_norm.weight";
    public const string Output = "output.weight";

    /// <summary>Per-frequency RoPE divisors (llama.cpp writes it for Llama 3.1-style scaling).</summary>
    public const string RopeFrequencyFactors = "rope_freqs.weight";
    public static string AttnNorm(int block) => $"blk.{block}.attn_norm.weight";
    public static string AttnQ(int block) => $"blk.{block}.attn_q.weight";
    public static string AttnK(int block) => $"blk.{block}.attn_k.weight";
    public static string AttnV(int block) => $"blk.{block}.attn_v.weight";
    public static string AttnOutput(int block) => $"blk.{block}.attn_output.weight";
    public static string AttnQBias(int block) => $"blk.{block}.attn_q.bias";
    public static string AttnKBias(int block) => $"blk.{block}.attn_k.bias";
    public static string AttnVBias(int block) => $"blk.{block}.attn_v.bias";
    public static string FfnNorm(int block) => $"blk.{block}.ffn_norm.weight";
    public static string FfnGate(int block) => $"blk.{block}.ffn_gate.weight";
    public static string FfnUp(int block) => $"blk.{block}.ffn_up.weight";
    public static string FfnDown(int block) => $"blk.{block}.ffn_down.weight";

    /// <summary>True for a block's value projection (<c>blk.N.attn_v.weight</c>).</summary>
    public static bool IsAttnV(string tensorName) => tensorName.EndsWith(".attn_v.weight", StringComparison.Ordinal);

    /// <summary>True for a block's down projection (<c>blk.N.ffn_down.weight</c>).</summary>
    public static bool IsFfnDown(string tensorName) => tensorName.EndsWith(".ffn_down.weight", StringComparison.Ordinal);
}

/// <summary>Token types stored in <c>tokenizer.ggml.token_type</c> (llama.cpp's <c>llama_token_type</c>).</summary>
public enum GgufTokenType
{
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

/// <summary>Values of <c>general.file_type</c> (llama.cpp's <c>llama_ftype</c>): the ones Hearth writes and those it can name.</summary>
public enum GgufFileType
{
    AllF32 = 0,
    MostlyF16 = 1,
    MostlyQ4_0 = 2,
    MostlyQ4_1 = 3,
    MostlyQ8_0 = 7,
    MostlyQ5_0 = 8,
    MostlyQ5_1 = 9,
    MostlyQ2_K = 10,
    MostlyQ3_K_S = 11,
    MostlyQ3_K_M = 12,
    MostlyQ3_K_L = 13,
    MostlyQ4_K_S = 14,
    MostlyQ4_K_M = 15,
    MostlyQ5_K_S = 16,
    MostlyQ5_K_M = 17,
    MostlyQ6_K = 18,
    MostlyBF16 = 32,
}

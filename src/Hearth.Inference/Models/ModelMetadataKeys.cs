namespace Hearth.Inference.Models;

/// <summary>
/// GGUF names the transformer reads that <see cref="Gguf.GgufNames"/> does not list yet (Llama 3 RoPE scaling parameters and
/// the per-frequency RoPE factors tensor). Kept in this one place so they can move into <c>GgufNames</c> unchanged.
/// </summary>
internal static class ModelMetadataKeys
{
    public static string RopeScalingLowFrequencyFactor(string arch) => $"{arch}.rope.scaling.low_freq_factor";
    public static string RopeScalingHighFrequencyFactor(string arch) => $"{arch}.rope.scaling.high_freq_factor";
    public static string RopeScalingOriginalContextLength(string arch) => $"{arch}.rope.scaling.original_context_length";
    public const string RopeFrequencyFactorsTensor = "rope_freqs.weight";
}

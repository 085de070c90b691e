using Hearth.Inference.Gguf;

namespace Hearth.Inference.Models;

/// <summary>
/// <c>llama</c>: Llama 2/3, TinyLlama, SmolLM/SmolLM2, Mistral (and llama2.c checkpoints imported to GGUF).
/// No attention biases; RoPE on adjacent pairs (GGUF converters permute Q/K for it); tied or separate output.
/// </summary>
internal sealed class LlamaArchitecture : IModelArchitecture
{
    public string Name => "llama";

    public ModelHyperparameters ReadHyperparameters(GgufFile file) =>
        LlamaFamily.ReadHyperparameters(file, Name, RopeStyle.Normal, defaultRopeBase: 10000f);

    public TransformerWeights LoadWeights(GgufFile file, ModelHyperparameters hyperparameters) =>
        LlamaFamily.LoadWeights(file, hyperparameters, attentionBias: false);
}

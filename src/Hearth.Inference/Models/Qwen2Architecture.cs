using Hearth.Inference.Gguf;

namespace Hearth.Inference.Models;

/// <summary><c>qwen2</c>: Qwen1.5/Qwen2/Qwen2.5. Llama blocks plus Q/K/V biases; RoPE on halves (NeoX); base 1e6 by default.</summary>
internal sealed class Qwen2Architecture : IModelArchitecture
{
    public string Name => "qwen2";

    public ModelHyperparameters ReadHyperparameters(GgufFile file) =>
        LlamaFamily.ReadHyperparameters(file, Name, RopeStyle.NeoX, defaultRopeBase: 1000000f);

    public TransformerWeights LoadWeights(GgufFile file, ModelHyperparameters hyperparameters) =>
        LlamaFamily.LoadWeights(file, hyperparameters, attentionBias: true);
}

using Hearth.Inference.Gguf;

namespace Hearth.Inference.Models;

/// <summary>
/// One GGUF architecture (the value of <c>general.architecture</c>): how to read its hyperparameters and weights. The forward
/// pass itself is the shared <see cref="DecoderTransformer"/> over the blocks in <c>Models/Blocks</c>.
/// </summary>
internal interface IModelArchitecture
{
    /// <summary>The <c>general.architecture</c> value, e.g. <c>llama</c>.</summary>
    string Name { get; }

    ModelHyperparameters ReadHyperparameters(GgufFile file);

    TransformerWeights LoadWeights(GgufFile file, ModelHyperparameters hyperparameters);
}

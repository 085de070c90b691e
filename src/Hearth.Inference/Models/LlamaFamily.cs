using Hearth.Inference.Gguf;

namespace Hearth.Inference.Models;

/// <summary>The blocks shared by Llama-like architectures: pre-RMSNorm, GQA attention with RoPE, SwiGLU FFN.</summary>
internal static class LlamaFamily
{
    public static ModelHyperparameters ReadHyperparameters(GgufFile file, string arch, RopeStyle ropeStyle, float defaultRopeBase)
    {
        var r = new GgufModelReader(file, arch);
        var dim = r.RequireInt(GgufNames.EmbeddingLength(arch));
        var heads = r.RequireInt(GgufNames.HeadCount(arch));
        var hp = new ModelHyperparameters
        {
            Architecture = arch,
            EmbeddingLength = dim,
            BlockCount = r.RequireInt(GgufNames.BlockCount(arch)),
            HeadCount = heads,
            HeadCountKv = r.OptionalInt(GgufNames.HeadCountKv(arch), heads),
            FeedForwardLength = r.RequireInt(GgufNames.FeedForwardLength(arch)),
            VocabularySize = r.VocabularySize(),
            ContextLength = r.RequireInt(GgufNames.ContextLength(arch)),
            RmsNormEpsilon = r.OptionalSingle(GgufNames.RmsNormEpsilon(arch), 1e-5f),
            RopeFrequencyBase = r.OptionalSingle(GgufNames.RopeFreqBase(arch), defaultRopeBase),
            RopeDimensionCount = r.OptionalInt(GgufNames.RopeDimensionCount(arch), heads > 0 ? dim / heads : 0),
            RopeStyle = ropeStyle,
            RopeScaling = r.ReadRopeScaling(),
        };
        hp.Validate();
        var factors = r.OptionalVector(GgufNames.RopeFrequencyFactors, hp.RopeDimensionCount / 2);
        return factors is null ? hp : hp with { RopeFrequencyFactors = factors };
    }

    public static TransformerWeights LoadWeights(GgufFile file, ModelHyperparameters hp, bool attentionBias)
    {
        var r = new GgufModelReader(file, hp.Architecture);
        var dim = hp.EmbeddingLength;
        var layers = new LayerWeights[hp.BlockCount];
        for (var i = 0; i < layers.Length; i++)
        {
            layers[i] = new LayerWeights
            {
                AttentionNorm = r.Vector(GgufNames.AttnNorm(i), dim),
                Query = r.Matrix(GgufNames.AttnQ(i), hp.QueryDimension, dim),
                Key = r.Matrix(GgufNames.AttnK(i), hp.KvDimension, dim),
                Value = r.Matrix(GgufNames.AttnV(i), hp.KvDimension, dim),
                AttentionOutput = r.Matrix(GgufNames.AttnOutput(i), dim, hp.QueryDimension),
                QueryBias = attentionBias ? r.Vector(GgufNames.AttnQBias(i), hp.QueryDimension) : null,
                KeyBias = attentionBias ? r.Vector(GgufNames.AttnKBias(i), hp.KvDimension) : null,
                ValueBias = attentionBias ? r.Vector(GgufNames.AttnVBias(i), hp.KvDimension) : null,
                FeedForwardNorm = r.Vector(GgufNames.FfnNorm(i), dim),
                Gate = r.Matrix(GgufNames.FfnGate(i), hp.FeedForwardLength, dim),
                Up = r.Matrix(GgufNames.FfnUp(i), hp.FeedForwardLength, dim),
                Down = r.Matrix(GgufNames.FfnDown(i), dim, hp.FeedForwardLength),
            };
        }
        var embedding = r.Matrix(GgufNames.TokenEmbedding, hp.VocabularySize, dim);
        var tied = !r.Has(GgufNames.Output);
        return new TransformerWeights
        {
            TokenEmbedding = embedding,
            Layers = layers,
            OutputNorm = r.Vector(GgufNames.OutputNorm, dim),
            Output = tied ? embedding : r.Matrix(GgufNames.Output, hp.VocabularySize, dim),
            OutputTied = tied,
        };
    }
}

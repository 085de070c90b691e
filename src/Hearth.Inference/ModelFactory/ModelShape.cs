namespace Hearth.Inference.ModelFactory;

/// <summary>The hyper-parameters of a <c>llama</c>-architecture model (what <c>hearth dev make-model</c> builds).</summary>
public sealed record ModelShape(
    string Name,
    int EmbeddingLength,
    int FeedForwardLength,
    int BlockCount,
    int HeadCount,
    int HeadCountKv,
    float RopeFreqBase,
    int ContextLength,
    bool TiedEmbeddings,
    float RmsNormEpsilon = 1e-5f)
{
    /// <summary>SmolLM2-135M (HF config: hidden 576, intermediate 1536, 30 layers, 9/3 heads, rope_theta 1e5, tied, ctx 8192).</summary>
    public static ModelShape SmolLM2_135M { get; } = new("smollm2-135m", 576, 1536, 30, 9, 3, 100_000f, 8192, TiedEmbeddings: true);

    /// <summary>TinyLlama-1.1B (2048, 5632, 22 layers, 32/4 heads, rope 1e4, separate output, ctx 2048).</summary>
    public static ModelShape TinyLlama_1_1B { get; } = new("tinyllama-1.1b", 2048, 5632, 22, 32, 4, 10_000f, 2048, TiedEmbeddings: false);

    /// <summary>The named shapes <see cref="Parse"/> accepts.</summary>
    public static IReadOnlyList<ModelShape> Known { get; } = [SmolLM2_135M, TinyLlama_1_1B];

    public int HeadSize => EmbeddingLength / HeadCount;

    public int KvDim => HeadSize * HeadCountKv;

    /// <summary>
    /// A known name, or (for tests and experiments) <c>custom:DIM,FFN,LAYERS,HEADS,KVHEADS[,tied]</c>.
    /// </summary>
    public static ModelShape Parse(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var known = Known.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
        if (known is not null)
        {
            return known;
        }
        if (name.StartsWith("custom:", StringComparison.OrdinalIgnoreCase))
        {
            var parts = name["custom:".Length..].Split(',');
            if (parts.Length is 5 or 6 && parts.Take(5).All(p => int.TryParse(p, out var v) && v > 0))
            {
                var n = parts.Take(5).Select(int.Parse).ToArray();
                var shape = new ModelShape(name, n[0], n[1], n[2], n[3], n[4], 10_000f, 512, TiedEmbeddings: parts.Length == 6 && parts[5] == "tied");
                shape.Validate();
                return shape;
            }
        }
        throw new ArgumentException(
            $"Unknown model shape '{name}'; known: {string.Join(", ", Known.Select(s => s.Name))} (or custom:DIM,FFN,LAYERS,HEADS,KVHEADS[,tied]).", nameof(name));
    }

    /// <summary>Throws if the heads do not divide the embedding evenly.</summary>
    public void Validate()
    {
        if (EmbeddingLength % HeadCount != 0 || HeadSize % 2 != 0 || HeadCount % HeadCountKv != 0)
        {
            throw new ArgumentException($"Shape {Name}: {EmbeddingLength} must split into {HeadCount} even-sized heads, and {HeadCountKv} KV heads must divide {HeadCount}.");
        }
    }
}

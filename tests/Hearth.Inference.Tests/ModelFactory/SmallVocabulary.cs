using Hearth.Inference.Gguf;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.ModelFactory;

/// <summary>
/// A vocabulary GGUF holding the first tokens of llama-spm's real vocabulary, so tests of big-row quantization paths
/// (Q6_K token embeddings) stay fast: the kernels quantize a 32,000-row embedding in tens of seconds in Debug builds.
/// </summary>
internal static class SmallVocabulary
{
    public static string Write(string path, int tokenCount)
    {
        using var spm = GgufFile.Open(TestData.File("tokenizers/vocab/ggml-vocab-llama-spm.gguf"));
        var writer = new GgufWriter();
        foreach (var entry in spm.Metadata.Where(e => e.Key.StartsWith("tokenizer.", StringComparison.Ordinal)))
        {
            if (entry.Value.AsArray is { } array)
            {
                var items = Array.CreateInstance(array.Items.GetType().GetElementType()!, tokenCount);
                Array.Copy(array.Items, items, tokenCount);
                writer.Add(entry.Key, new GgufValue(GgufValueType.Array, new GgufArray(array.ElementType, items)));
            }
            else
            {
                writer.Add(entry.Key, entry.Value);
            }
        }
        writer.WriteTo(path);
        return path;
    }
}

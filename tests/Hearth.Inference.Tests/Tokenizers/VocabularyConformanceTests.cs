using System.Text;
using Hearth.Inference.Gguf;
using Hearth.Inference.Tokenizers;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Tokenizers;

/// <summary>
/// llama.cpp's tokenizer conformance vectors (models/ggml-vocab-*.gguf.inp/.out): every string must encode to
/// exactly the reference ids (no BOS/EOS, special tokens not parsed) and decode back to the same bytes.
/// </summary>
public sealed class VocabularyConformanceTests
{
    private static readonly byte[] s_separator = Encoding.UTF8.GetBytes("\n__ggml_vocab_test__\n");

    [Theory]
    [InlineData("llama-spm")]
    [InlineData("phi-3")]
    [InlineData("gpt-2")]
    [InlineData("starcoder")]
    [InlineData("deepseek-coder")]
    [InlineData("deepseek-llm")]
    [InlineData("falcon")]
    [InlineData("mpt")]
    [InlineData("refact")]
    public void Encode_ReferenceVectors_MatchExactlyAndRoundTrip(string vocab)
    {
        var path = TestData.File($"tokenizers/vocab/ggml-vocab-{vocab}.gguf");
        using var file = GgufFile.Open(path);
        var tokenizer = TokenizerFactory.FromGguf(file);
        var inputs = ReadInputs(File.ReadAllBytes(path + ".inp"));
        var expected = File.ReadAllLines(path + ".out");
        Assert.Equal(inputs.Count, expected.Length);
        Assert.True(inputs.Count >= 40, $"only {inputs.Count} vectors");

        var failures = new StringBuilder();
        for (var i = 0; i < inputs.Count; i++)
        {
            var want = expected[i].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
            var got = tokenizer.EncodeUtf8(inputs[i]);
            if (!want.SequenceEqual(got))
            {
                failures.AppendLine($"#{i} input {Show(inputs[i])}\n  expected [{string.Join(' ', want)}]\n  got      [{string.Join(' ', got)}]");
                continue;
            }
            var decoded = tokenizer.DecodeToBytes(got);
            if (!decoded.AsSpan().SequenceEqual(inputs[i]))
            {
                failures.AppendLine($"#{i} decode of {Show(inputs[i])} gave {Show(decoded)}");
            }
        }
        Assert.True(failures.Length == 0, $"{vocab}:\n{failures}");
    }

    /// <summary>Splits the .inp file exactly as llama.cpp's test-tokenizer-0 does.</summary>
    internal static List<byte[]> ReadInputs(byte[] raw)
    {
        var result = new List<byte[]>();
        var position = 0;
        while (position < raw.Length)
        {
            var next = raw.AsSpan(position).IndexOf(s_separator);
            if (next < 0)
            {
                result.Add(raw[position..]);
                break;
            }
            result.Add(raw[position..(position + next)]);
            position += next + s_separator.Length;
        }
        return result;
    }

    private static string Show(byte[] bytes) =>
        "\"" + Encoding.UTF8.GetString(bytes).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"";
}

using System.Text.RegularExpressions;
using Hearth.Inference.Gguf;
using Microsoft.Win32.SafeHandles;

namespace Hearth.Inference.Import;

/// <summary>What <see cref="Llama2cImporter.Import"/> wrote.</summary>
public sealed record Llama2cImportResult(string OutputPath, Llama2cHeader Header, int TensorCount, long OutputBytes);

/// <summary>
/// Converts a llama2.c legacy checkpoint and its tokenizer into a GGUF file of architecture <c>llama</c> with F32 tensors
/// and a SentencePiece (<c>tokenizer.ggml.model = llama</c>) vocabulary. Weights are copied byte for byte: llama2.c
/// rotates adjacent pairs like llama.cpp's <c>llama</c> RoPE, so Q/K need no permutation. A shared classifier becomes
/// tied embeddings (no <c>output.weight</c>).
/// </summary>
public static partial class Llama2cImporter
{
    /// <summary>RoPE base llama2.c uses (hard-coded there).</summary>
    public const float RopeFreqBase = 10000f;

    /// <summary>RMSNorm epsilon llama2.c uses.</summary>
    public const float RmsNormEpsilon = 1e-5f;

    public const int UnknownTokenId = 0;
    public const int BosTokenId = 1;
    public const int EosTokenId = 2;

    /// <summary>Reads both files, validates them and writes <paramref name="outputPath"/> atomically.</summary>
    /// <exception cref="Llama2cFormatException">Either input is malformed (names file, field and offset).</exception>
    public static Llama2cImportResult Import(string modelPath, string tokenizerPath, string outputPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentException.ThrowIfNullOrEmpty(tokenizerPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        var header = Llama2cHeader.Read(modelPath);
        var vocabulary = Llama2cVocabulary.Read(tokenizerPath, header.VocabSize);

        var writer = new GgufWriter();
        AddModelMetadata(writer, header, Path.GetFileNameWithoutExtension(modelPath));
        AddTokenizerMetadata(writer, vocabulary);

        using var source = File.OpenHandle(modelPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        var layout = header.Layout();
        foreach (var tensor in layout)
        {
            writer.AddTensor(tensor.Name, GgmlType.F32, tensor.Dimensions, tensor.ByteSize, stream =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                CopyRange(source, tensor.FileOffset, tensor.ByteSize, stream);
            });
        }
        writer.WriteTo(outputPath);
        return new Llama2cImportResult(Path.GetFullPath(outputPath), header, layout.Count, new FileInfo(outputPath).Length);
    }

    private static void AddModelMetadata(GgufWriter writer, Llama2cHeader h, string name)
    {
        const string arch = "llama";
        writer.Add(GgufNames.Architecture, arch);
        writer.Add(GgufNames.Name, name);
        writer.Add(GgufNames.FileType, (uint)GgufFileType.AllF32);
        writer.Add(GgufNames.ContextLength(arch), (uint)h.SequenceLength);
        writer.Add(GgufNames.EmbeddingLength(arch), (uint)h.Dim);
        writer.Add(GgufNames.FeedForwardLength(arch), (uint)h.HiddenDim);
        writer.Add(GgufNames.BlockCount(arch), (uint)h.LayerCount);
        writer.Add(GgufNames.HeadCount(arch), (uint)h.HeadCount);
        writer.Add(GgufNames.HeadCountKv(arch), (uint)h.KvHeadCount);
        writer.Add(GgufNames.RopeDimensionCount(arch), (uint)h.HeadSize);
        writer.Add(GgufNames.RopeFreqBase(arch), RopeFreqBase);
        writer.Add(GgufNames.RmsNormEpsilon(arch), RmsNormEpsilon);
        writer.Add(GgufNames.VocabSize(arch), (uint)h.VocabSize);
    }

    private static void AddTokenizerMetadata(GgufWriter writer, Llama2cVocabulary vocabulary)
    {
        var count = vocabulary.Pieces.Count;
        var tokens = new string[count];
        var types = new int[count];
        for (var i = 0; i < count; i++)
        {
            (tokens[i], var type) = ToSentencePiece(i, vocabulary.Pieces[i]);
            types[i] = (int)type;
        }
        writer.Add(GgufNames.TokenizerModel, "llama");
        writer.Add(GgufNames.TokenizerPre, "default");
        writer.Add(GgufNames.TokenizerTokens, tokens);
        writer.Add(GgufNames.TokenizerScores, vocabulary.Scores.ToArray());
        writer.Add(GgufNames.TokenizerTokenType, types);
        writer.Add(GgufNames.BosTokenId, (uint)BosTokenId);
        writer.Add(GgufNames.EosTokenId, (uint)EosTokenId);
        writer.Add(GgufNames.UnknownTokenId, (uint)UnknownTokenId);
        writer.Add(GgufNames.AddBosToken, true);
        writer.Add(GgufNames.AddEosToken, false);
        writer.Add(GgufNames.AddSpacePrefix, true);
    }

    /// <summary>
    /// Undoes the llama2.c exporter's edits: BOS/EOS were written as "\n&lt;s&gt;\n"/"\n&lt;/s&gt;\n" and '▁' (U+2581) as ' '.
    /// Types: unknown for id 0, control for BOS/EOS, byte for &lt;0xNN&gt;, normal otherwise.
    /// </summary>
    internal static (string Piece, GgufTokenType Type) ToSentencePiece(int id, string stored)
    {
        if (id == UnknownTokenId)
        {
            return (stored, GgufTokenType.Unknown);
        }
        if (id is BosTokenId or EosTokenId)
        {
            return (stored.Trim('\n'), GgufTokenType.Control);
        }
        if (BytePiece().IsMatch(stored))
        {
            return (stored, GgufTokenType.Byte);
        }
        return (stored.Replace(' ', '\u2581'), GgufTokenType.Normal);
    }

    private static void CopyRange(SafeFileHandle source, long offset, long count, Stream destination)
    {
        var buffer = new byte[(int)Math.Min(count, 1 << 20)];
        while (count > 0)
        {
            var want = (int)Math.Min(count, buffer.Length);
            var read = RandomAccess.Read(source, buffer.AsSpan(0, want), offset);
            if (read <= 0)
            {
                throw new EndOfStreamException($"The checkpoint ended at byte {offset} while {count} bytes of a tensor remained (was it truncated during import?).");
            }
            destination.Write(buffer, 0, read);
            offset += read;
            count -= read;
        }
    }

    [GeneratedRegex("^<0x[0-9A-F]{2}>$", RegexOptions.CultureInvariant)]
    private static partial Regex BytePiece();
}

using System.Runtime.InteropServices;
using Hearth.Inference.Gguf;

namespace Hearth.Inference.Tests.Models;

/// <summary>
/// A tiny random-weight GGUF (F32) of the llama or qwen2 architecture with a small SentencePiece vocabulary, plus the same
/// weights as arrays for the reference forward pass in <see cref="ReferenceTransformer"/>.
/// </summary>
internal sealed class TinyModel
{
    public required string Architecture { get; init; }
    public int Dim { get; init; } = 16;
    public int Heads { get; init; } = 4;
    public int KvHeads { get; init; } = 2;
    public int Hidden { get; init; } = 24;
    public int Layers { get; init; } = 2;
    public int Context { get; init; } = 64;
    public float RopeBase { get; init; } = 10000f;
    public bool Tied { get; init; }
    public string? ChatTemplate { get; init; }
    public uint? FileType { get; init; }
    public int Seed { get; init; } = 1;

    public Dictionary<string, float[]> Weights { get; } = [];

    public int HeadDim => Dim / Heads;
    public int KvDim => KvHeads * HeadDim;
    public bool Bias => Architecture == "qwen2";

    public static string[] Pieces { get; } = BuildPieces();
    public static int Vocab => Pieces.Length;

    private static string[] BuildPieces()
    {
        var pieces = new List<string> { "<unk>", "<s>", "</s>" };
        for (var b = 0; b < 256; b++)
        {
            pieces.Add($"<0x{b:X2}>");
        }
        pieces.AddRange(["▁", "▁a", "▁b", "▁the", "▁cat", "▁sat", "s", "t", "a", "e", "{", "}", "\"", ":", "<|im_start|>", "<|im_end|>"]);
        return [.. pieces];
    }

    public void WriteTo(string path)
    {
        var random = new Random(Seed);
        var w = new GgufWriter();
        var a = Architecture;
        w.Add(GgufNames.Architecture, a);
        w.Add(GgufNames.ContextLength(a), (uint)Context);
        w.Add(GgufNames.EmbeddingLength(a), (uint)Dim);
        w.Add(GgufNames.FeedForwardLength(a), (uint)Hidden);
        w.Add(GgufNames.BlockCount(a), (uint)Layers);
        w.Add(GgufNames.HeadCount(a), (uint)Heads);
        w.Add(GgufNames.HeadCountKv(a), (uint)KvHeads);
        w.Add(GgufNames.RmsNormEpsilon(a), 1e-5f);
        w.Add(GgufNames.RopeFreqBase(a), RopeBase);
        w.Add(GgufNames.TokenizerModel, "llama");
        w.Add(GgufNames.TokenizerTokens, Pieces);
        w.Add(GgufNames.TokenizerScores, Pieces.Select((p, i) => i < 259 ? 0f : -(float)i / 100).ToArray());
        w.Add(GgufNames.TokenizerTokenType, Pieces.Select((p, i) => i == 0 ? 2 : i < 3 || p.StartsWith("<|", StringComparison.Ordinal) ? 3 : i < 259 ? 6 : 1).ToArray());
        w.Add(GgufNames.BosTokenId, 1u);
        w.Add(GgufNames.EosTokenId, 2u);
        w.Add(GgufNames.UnknownTokenId, 0u);
        w.Add(GgufNames.AddBosToken, true);
        if (ChatTemplate is not null)
        {
            w.Add(GgufNames.ChatTemplate, ChatTemplate);
        }
        if (FileType is { } fileType)
        {
            w.Add(GgufNames.FileType, fileType);
        }

        void Tensor(string name, int rows, int cols, float scale = 0.3f, float offset = 0f)
        {
            var values = new float[rows * cols];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = offset + (float)((random.NextDouble() * 2) - 1) * scale;
            }
            Weights[name] = values;
            long[] dims = rows == 1 ? [cols] : [cols, rows];
            w.AddTensor(name, GgmlType.F32, dims, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        }

        Tensor(GgufNames.TokenEmbedding, Vocab, Dim, 1f);
        for (var i = 0; i < Layers; i++)
        {
            Tensor(GgufNames.AttnNorm(i), 1, Dim, 0.2f, 1f);
            Tensor(GgufNames.AttnQ(i), Dim, Dim);
            Tensor(GgufNames.AttnK(i), KvDim, Dim);
            Tensor(GgufNames.AttnV(i), KvDim, Dim);
            if (Bias)
            {
                Tensor(GgufNames.AttnQBias(i), 1, Dim);
                Tensor(GgufNames.AttnKBias(i), 1, KvDim);
                Tensor(GgufNames.AttnVBias(i), 1, KvDim);
            }
            Tensor(GgufNames.AttnOutput(i), Dim, Dim);
            Tensor(GgufNames.FfnNorm(i), 1, Dim, 0.2f, 1f);
            Tensor(GgufNames.FfnGate(i), Hidden, Dim);
            Tensor(GgufNames.FfnUp(i), Hidden, Dim);
            Tensor(GgufNames.FfnDown(i), Dim, Hidden);
        }
        Tensor(GgufNames.OutputNorm, 1, Dim, 0.2f, 1f);
        if (!Tied)
        {
            Tensor(GgufNames.Output, Vocab, Dim);
        }
        w.WriteTo(path);
    }
}

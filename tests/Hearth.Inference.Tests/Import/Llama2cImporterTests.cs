using System.Buffers.Binary;
using System.Text;
using Hearth.Inference.Gguf;
using Hearth.Inference.Import;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Import;

public sealed class Llama2cImporterTests : IDisposable
{
    private const int Dim = 64, Hidden = 172, Layers = 5, Heads = 8, KvHeads = 4, Vocab = 512, SeqLen = 512, KvDim = Dim / Heads * KvHeads;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string ModelPath => TestData.File("models/stories260K/stories260K.bin");
    private static string TokenizerPath => TestData.File("models/stories260K/tok512.bin");

    [Fact]
    public void Import_Stories260K_WritesLlamaMetadata()
    {
        using var file = ImportStories();

        Assert.Equal("llama", file.GetString(GgufNames.Architecture));
        Assert.Equal(SeqLen, file.GetInteger(GgufNames.ContextLength("llama")));
        Assert.Equal(Dim, file.GetInteger(GgufNames.EmbeddingLength("llama")));
        Assert.Equal(Hidden, file.GetInteger(GgufNames.FeedForwardLength("llama")));
        Assert.Equal(Layers, file.GetInteger(GgufNames.BlockCount("llama")));
        Assert.Equal(Heads, file.GetInteger(GgufNames.HeadCount("llama")));
        Assert.Equal(KvHeads, file.GetInteger(GgufNames.HeadCountKv("llama")));
        Assert.Equal(Dim / Heads, file.GetInteger(GgufNames.RopeDimensionCount("llama")));
        Assert.Equal(10000f, file.GetSingle(GgufNames.RopeFreqBase("llama")));
        Assert.Equal(1e-5f, file.GetSingle(GgufNames.RmsNormEpsilon("llama")));
        Assert.Equal(0, file.GetInteger(GgufNames.FileType));
    }

    [Fact]
    public void Import_Stories260K_WritesSentencePieceVocabulary()
    {
        using var file = ImportStories();

        Assert.Equal("llama", file.GetString(GgufNames.TokenizerModel));
        var tokens = file.GetStringArray(GgufNames.TokenizerTokens)!;
        var types = file.GetInt32Array(GgufNames.TokenizerTokenType)!;
        var scores = file.GetSingleArray(GgufNames.TokenizerScores)!;
        Assert.Equal(Vocab, tokens.Length);
        Assert.Equal(["<unk>", "<s>", "</s>", "<0x00>"], tokens[..4]);
        Assert.Equal("<0xFF>", tokens[258]);
        Assert.Equal("\u2581t", tokens[259]);
        Assert.Equal("he", tokens[260]);
        Assert.Equal([2, 3, 3, 6], types[..4]);
        Assert.Equal(6, types[258]);
        Assert.Equal(1, types[259]);
        Assert.Equal(-1f, scores[260]);
        Assert.Equal(-252f, scores[511]);
        Assert.Equal(1, file.GetInteger(GgufNames.BosTokenId));
        Assert.Equal(2, file.GetInteger(GgufNames.EosTokenId));
        Assert.Equal(0, file.GetInteger(GgufNames.UnknownTokenId));
        Assert.True(file.GetBoolean(GgufNames.AddBosToken));
    }

    [Fact]
    public void Import_Stories260K_TensorShapesAndTiedEmbeddings()
    {
        using var file = ImportStories();

        Assert.Equal(2 + 9 * Layers, file.Tensors.Count);
        Assert.All(file.Tensors, t => Assert.Equal(GgmlType.F32, t.Type));
        Assert.Null(file.FindTensor(GgufNames.Output));
        Assert.Equal([(long)Dim, Vocab], file.FindTensor(GgufNames.TokenEmbedding)!.Dimensions);
        Assert.Equal([(long)Dim, Dim], file.FindTensor(GgufNames.AttnQ(0))!.Dimensions);
        Assert.Equal([(long)Dim, KvDim], file.FindTensor(GgufNames.AttnK(4))!.Dimensions);
        Assert.Equal([(long)Dim, Hidden], file.FindTensor(GgufNames.FfnGate(2))!.Dimensions);
        Assert.Equal([(long)Hidden, Dim], file.FindTensor(GgufNames.FfnDown(2))!.Dimensions);
        Assert.Equal([(long)Dim], file.FindTensor(GgufNames.FfnNorm(1))!.Dimensions);
    }

    [Fact]
    public void Import_Stories260K_FloatDataByteIdenticalAtKnownOffsets()
    {
        using var file = ImportStories();
        var bin = File.ReadAllBytes(ModelPath);
        const long floats = 4;
        // Offsets computed independently from the README's tensor order.
        const long embd = 28;
        const long attnNorm = embd + floats * Vocab * Dim;
        const long wq = attnNorm + floats * Layers * Dim;
        const long wk = wq + floats * Layers * Dim * Dim;
        const long wv = wk + floats * Layers * KvDim * Dim;
        const long wo = wv + floats * Layers * KvDim * Dim;
        const long ffnNorm = wo + floats * Layers * Dim * Dim;
        const long w1 = ffnNorm + floats * Layers * Dim;
        const long w2 = w1 + floats * Layers * Hidden * Dim;
        const long w3 = w2 + floats * Layers * Dim * Hidden;
        const long final = w3 + floats * Layers * Hidden * Dim;

        AssertSame(file, GgufNames.TokenEmbedding, bin, embd);
        AssertSame(file, GgufNames.AttnNorm(0), bin, attnNorm);
        AssertSame(file, GgufNames.AttnQ(1), bin, wq + floats * Dim * Dim);
        AssertSame(file, GgufNames.AttnK(3), bin, wk + 3 * floats * KvDim * Dim);
        AssertSame(file, GgufNames.AttnV(4), bin, wv + 4 * floats * KvDim * Dim);
        AssertSame(file, GgufNames.AttnOutput(2), bin, wo + 2 * floats * Dim * Dim);
        AssertSame(file, GgufNames.FfnNorm(4), bin, ffnNorm + 4 * floats * Dim);
        AssertSame(file, GgufNames.FfnGate(0), bin, w1);
        AssertSame(file, GgufNames.FfnDown(4), bin, w2 + 4 * floats * Dim * Hidden);
        AssertSame(file, GgufNames.FfnUp(3), bin, w3 + 3 * floats * Hidden * Dim);
        AssertSame(file, GgufNames.OutputNorm, bin, final);
        Assert.Equal(final + floats * Dim + floats * 2 * SeqLen * (Dim / Heads / 2), bin.Length);
    }

    [Fact]
    public void Import_UnsharedClassifier_WritesOutputWeight()
    {
        var model = _dir.File("m.bin");
        var floats = WriteSyntheticModel(model, vocab: -4);
        var tokenizer = _dir.File("t.bin");
        WriteTokenizer(tokenizer, ["<unk>", "\n<s>\n", "\n</s>\n", " a"]);

        var result = Llama2cImporter.Import(model, tokenizer, _dir.File("o.gguf"));

        using var file = GgufFile.Open(result.OutputPath);
        var output = file.FindTensor(GgufNames.Output)!;
        Assert.Equal([8L, 4L], output.Dimensions);
        var data = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(file.GetTensorBytes(output));
        Assert.Equal(floats - 32, data[0]);   // the classifier is the last 4 x 8 floats of the file
        Assert.Equal(["<unk>", "<s>", "</s>", "\u2581a"], file.GetStringArray(GgufNames.TokenizerTokens)!);
    }

    [Fact]
    public void Import_TruncatedModel_ThrowsNamingHeader()
    {
        var model = _dir.File("cut.bin");
        File.WriteAllBytes(model, File.ReadAllBytes(ModelPath)[..1000]);

        var ex = Assert.Throws<Llama2cFormatException>(() => Llama2cImporter.Import(model, TokenizerPath, _dir.File("o.gguf")));
        Assert.Equal("header", ex.Field);
        Assert.Equal(model, ex.FilePath);
        Assert.Contains("1056540", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("o.gguf")));
    }

    [Theory]
    [InlineData(3, 0, "header.n_heads")]
    [InlineData(3, 7, "header.n_heads")]
    [InlineData(4, 3, "header.n_kv_heads")]
    [InlineData(0, -64, "header.dim")]
    [InlineData(5, int.MinValue, "header.vocab_size")]
    public void Import_BadHeaderField_ThrowsNamingField(int index, int value, string field)
    {
        var bytes = File.ReadAllBytes(ModelPath);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(index * 4), value);
        var model = _dir.File("bad.bin");
        File.WriteAllBytes(model, bytes);

        var ex = Assert.Throws<Llama2cFormatException>(() => Llama2cImporter.Import(model, TokenizerPath, _dir.File("o.gguf")));
        Assert.Equal(field, ex.Field);
    }

    [Fact]
    public void Import_TokenizerTooShortOrOverlong_ThrowsNamingToken()
    {
        var tok = File.ReadAllBytes(TokenizerPath);
        var shortTok = _dir.File("short.bin");
        File.WriteAllBytes(shortTok, tok[..3000]);
        Assert.StartsWith("token[", Assert.Throws<Llama2cFormatException>(() => Llama2cImporter.Import(ModelPath, shortTok, _dir.File("o.gguf"))).Field, StringComparison.Ordinal);

        var badLength = (byte[])tok.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(badLength.AsSpan(4 + 4), 1_000_000);   // token[0].length
        var badTok = _dir.File("bad.bin");
        File.WriteAllBytes(badTok, badLength);
        var ex = Assert.Throws<Llama2cFormatException>(() => Llama2cImporter.Import(ModelPath, badTok, _dir.File("o.gguf")));
        Assert.Equal("token[0].length", ex.Field);
        Assert.Equal(8, ex.Offset);
    }

    private GgufFile ImportStories()
    {
        var result = Llama2cImporter.Import(ModelPath, TokenizerPath, _dir.File($"s{Guid.NewGuid():N}.gguf"));
        Assert.Equal(2 + 9 * Layers, result.TensorCount);
        return GgufFile.Open(result.OutputPath);
    }

    private static void AssertSame(GgufFile file, string tensor, byte[] bin, long offset)
    {
        var info = file.FindTensor(tensor)!;
        var expected = bin.AsSpan((int)offset, (int)info.ByteSize);
        Assert.True(expected.SequenceEqual(file.GetTensorBytes(info)), $"{tensor} differs from the checkpoint at byte {offset}");
    }

    /// <summary>dim 8, hidden 16, 1 layer, 2 heads, 1 KV head, seq 4; floats 0,1,2,... Returns the float count.</summary>
    private static int WriteSyntheticModel(string path, int vocab)
    {
        int dim = 8, hidden = 16, layers = 1, heads = 2, kvHeads = 1, seq = 4, v = Math.Abs(vocab), kv = dim / heads * kvHeads;
        var count = v * dim + layers * dim * 2 + layers * dim * dim * 2 + layers * kv * dim * 2 + layers * hidden * dim * 3 + dim
            + 2 * seq * (dim / heads / 2) + (vocab < 0 ? v * dim : 0);
        using var w = new BinaryWriter(File.Create(path));
        foreach (var x in new[] { dim, hidden, layers, heads, kvHeads, vocab, seq })
        {
            w.Write(x);
        }
        for (var i = 0; i < count; i++)
        {
            w.Write((float)i);
        }
        return count;
    }

    private static void WriteTokenizer(string path, string[] pieces)
    {
        using var w = new BinaryWriter(File.Create(path));
        w.Write(pieces.Max(p => Encoding.UTF8.GetByteCount(p)));
        foreach (var p in pieces)
        {
            w.Write(0f);
            var bytes = Encoding.UTF8.GetBytes(p);
            w.Write(bytes.Length);
            w.Write(bytes);
        }
    }
}

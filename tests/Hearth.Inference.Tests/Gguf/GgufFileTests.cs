using Hearth.Inference.Gguf;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Gguf;

public sealed class GgufFileTests
{
    private const string TinyLlama = "models/gguf/llama-2-tiny-random.gguf";

    [Fact]
    public void Open_TinyRandomLlama_ReadsKnownMetadata()
    {
        using var file = GgufFile.Open(TestData.File(TinyLlama));

        Assert.Equal(3u, file.Version);
        Assert.Equal(32, file.Alignment);
        Assert.Equal("llama", file.GetString(GgufNames.Architecture));
        Assert.Equal(8, file.GetInteger(GgufNames.EmbeddingLength("llama")));
        Assert.Equal(1, file.GetInteger(GgufNames.BlockCount("llama")));
        Assert.Equal(32, file.GetInteger(GgufNames.FeedForwardLength("llama")));
        Assert.Equal(2, file.GetInteger(GgufNames.HeadCount("llama")));
        Assert.Equal(1e-5f, file.GetSingle(GgufNames.RmsNormEpsilon("llama")));
        var tokens = file.GetStringArray(GgufNames.TokenizerTokens)!;
        Assert.Equal(32000, tokens.Length);
        Assert.Equal(["<unk>", "<s>", "</s>", "<0x00>"], tokens[..4]);
        var types = file.GetInt32Array(GgufNames.TokenizerTokenType)!;
        Assert.Equal([2, 3, 3, 6], types[..4]);
        Assert.Equal(32000, file.GetSingleArray(GgufNames.TokenizerScores)!.Length);
        Assert.Equal(1, file.GetInteger(GgufNames.BosTokenId));
        Assert.Null(file.GetString("no.such.key"));
        Assert.Equal(file.Metadata.Count, file.Metadata.Select(m => m.Key).Distinct().Count());
    }

    [Fact]
    public void Open_TinyRandomLlama_ReadsTensorInfosAndData()
    {
        using var file = GgufFile.Open(TestData.File(TinyLlama));

        Assert.Equal(12, file.Tensors.Count);
        var embd = file.FindTensor(GgufNames.TokenEmbedding)!;
        Assert.Equal([8L, 32000L], embd.Dimensions);
        Assert.Equal(GgmlType.F16, embd.Type);
        Assert.Equal(256000, embd.ElementCount);
        Assert.Equal(512000, embd.ByteSize);
        Assert.Equal(0, embd.RelativeOffset);
        Assert.Equal(724416, file.DataOffset);
        Assert.Equal(0, file.DataOffset % file.Alignment);
        var norm = file.FindTensor(GgufNames.OutputNorm)!;
        Assert.Equal(GgmlType.F32, norm.Type);
        Assert.Equal([8L], norm.Dimensions);

        // The span is the file's bytes at DataOffset + RelativeOffset.
        var raw = File.ReadAllBytes(file.FilePath);
        var start = (int)(file.DataOffset + norm.RelativeOffset);
        Assert.True(file.GetTensorBytes(norm).SequenceEqual(raw.AsSpan(start, 32)));
        Assert.Null(file.FindTensor("blk.1.attn_q.weight"));
    }

    public static TheoryData<string> VocabFiles() => new(
        Directory.GetFiles(TestData.File("tokenizers/vocab"), "*.gguf").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(VocabFiles))]
    public void Open_VocabularyFile_ParsesTokenizerKeys(string name)
    {
        using var file = GgufFile.Open(TestData.File("tokenizers/vocab/" + name));

        Assert.Empty(file.Tensors);
        var model = file.GetString(GgufNames.TokenizerModel);
        Assert.Contains(model, new[] { "llama", "gpt2" });
        var tokens = file.GetStringArray(GgufNames.TokenizerTokens)!;
        Assert.True(tokens.Length > 1000);
        Assert.Equal(tokens.Length, file.GetInt32Array(GgufNames.TokenizerTokenType)!.Length);
        Assert.True(InMemoryGguf.TouchEverything(file) > 0);
    }

    [Fact]
    public void Open_MissingFile_ThrowsFileNotFound()
    {
        using var dir = new TempDir();
        Assert.Throws<FileNotFoundException>(() => GgufFile.Open(dir.File("absent.gguf")));
    }

    [Fact]
    public void Open_EmptyFile_ThrowsFormatExceptionNamingFile()
    {
        using var dir = new TempDir();
        var path = dir.File("empty.gguf");
        File.WriteAllBytes(path, []);

        var ex = Assert.Throws<GgufFormatException>(() => GgufFile.Open(path));
        Assert.Equal(path, ex.FilePath);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetString_ValueIsInteger_ThrowsNamingKey()
    {
        using var file = GgufFile.Open(TestData.File(TinyLlama));

        var ex = Assert.Throws<GgufFormatException>(() => file.GetString(GgufNames.BlockCount("llama")));
        Assert.Equal("metadata[\"llama.block_count\"]", ex.Field);
        Assert.Equal(212, ex.Offset);
        Assert.Throws<GgufFormatException>(() => file.GetStringArray(GgufNames.TokenizerScores));
        Assert.Throws<GgufFormatException>(() => file.GetInt32Array(GgufNames.TokenizerTokens));
        Assert.Throws<GgufFormatException>(() => file.GetBoolean(GgufNames.Architecture));
    }

    [Fact]
    public void GetTensorPointer_ForeignTensor_Throws()
    {
        using var file = GgufFile.Open(TestData.File(TinyLlama));
        var foreign = new GgufTensorInfo(GgufNames.OutputNorm, [8], GgmlType.F32, 0, 32);

        Assert.Throws<ArgumentException>(() => file.GetTensorBytes(foreign));
    }

    [Fact]
    public void EnsureIntact_Unchanged_DoesNotThrow()
    {
        using var dir = new TempDir();
        var path = WriteSmallModel(dir.File("m.gguf"), fill: 1);
        using var file = GgufFile.Open(path);

        file.EnsureIntact();
        Assert.Equal(1, file.GetTensorBytes(file.Tensors[0])[0]);
    }

    [Fact]
    public void EnsureIntact_FileTruncated_ThrowsModelFileChanged()
    {
        using var dir = new TempDir();
        var path = WriteSmallModel(dir.File("m.gguf"), fill: 1);
        using var file = GgufFile.Open(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            stream.SetLength(100);
        }

        var ex = Assert.Throws<ModelFileChangedException>(file.EnsureIntact);
        Assert.Contains("shrank", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureIntact_FileReplacedByRename_ThrowsModelFileChanged()
    {
        using var dir = new TempDir();
        var path = WriteSmallModel(dir.File("m.gguf"), fill: 1);
        using var file = GgufFile.Open(path);
        WriteSmallModel(path, fill: 2);   // GgufWriter renames a new file over the old path

        Assert.Throws<ModelFileChangedException>(file.EnsureIntact);
        Assert.Equal(1, file.GetTensorBytes(file.Tensors[0])[0]);   // the old inode stays mapped and readable
    }

    [Fact]
    public void EnsureMappingIntact_FileReplacedByRename_PassesAndReportsReplaced()
    {
        using var dir = new TempDir();
        var path = WriteSmallModel(dir.File("m.gguf"), fill: 1);
        using var file = GgufFile.Open(path);
        Assert.False(file.IsReplacedOnDisk);
        WriteSmallModel(path, fill: 2);   // renamed over the path: the mapped inode is untouched

        file.EnsureMappingIntact();
        Assert.True(file.IsReplacedOnDisk);
        Assert.Equal(1, file.GetTensorBytes(file.Tensors[0])[0]);
    }

    [Fact]
    public void EnsureMappingIntact_FileTruncated_ThrowsModelFileChanged()
    {
        using var dir = new TempDir();
        var path = WriteSmallModel(dir.File("m.gguf"), fill: 1);
        using var file = GgufFile.Open(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            stream.SetLength(100);
        }

        Assert.Throws<ModelFileChangedException>(file.EnsureMappingIntact);
    }

    [Fact]
    public void EnsureIntact_FileDeleted_ThrowsModelFileChanged()
    {
        using var dir = new TempDir();
        var path = WriteSmallModel(dir.File("m.gguf"), fill: 1);
        using var file = GgufFile.Open(path);
        File.Delete(path);

        Assert.Throws<ModelFileChangedException>(file.EnsureIntact);
    }

    private static string WriteSmallModel(string path, byte fill)
    {
        var writer = new GgufWriter();
        writer.Add(GgufNames.Architecture, "llama");
        var data = new byte[4 * 64];
        Array.Fill(data, fill);
        writer.AddTensor("t", GgmlType.F32, [64], data);
        writer.WriteTo(path);
        return path;
    }
}

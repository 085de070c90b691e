using System.Buffers.Binary;

namespace Hearth.Inference.Import;

/// <summary>
/// The 7-int32 header of a llama2.c "legacy" checkpoint. A negative vocabulary size in the file means the checkpoint
/// carries its own classifier after the RoPE tables; positive means the classifier is the token embedding.
/// </summary>
public sealed record Llama2cHeader(int Dim, int HiddenDim, int LayerCount, int HeadCount, int KvHeadCount, int VocabSize, int SequenceLength, bool SharedClassifier)
{
    /// <summary>Bytes of the header.</summary>
    public const int HeaderBytes = 7 * 4;

    /// <summary>Upper bound accepted for any header size field (a hostile header cannot make us compute huge layouts).</summary>
    public const int MaxDimension = 1 << 20;

    private static readonly string[] s_fieldNames = ["dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"];

    public int HeadSize => Dim / HeadCount;

    public int KvDim => HeadSize * KvHeadCount;

    /// <summary>Bytes the whole checkpoint must have: header, weights, the two RoPE tables and (unshared) the classifier.</summary>
    public long ExpectedFileBytes => HeaderBytes + 4L * FloatCount;

    private long FloatCount
    {
        get
        {
            long d = Dim, h = HiddenDim, l = LayerCount, v = VocabSize, kv = KvDim;
            var floats = v * d + l * d * 2 + l * d * d * 2 + l * kv * d * 2 + l * h * d * 3 + d + 2L * SequenceLength * (HeadSize / 2);
            return SharedClassifier ? floats : floats + v * d;
        }
    }

    /// <summary>Reads and validates the header of <paramref name="path"/>, including that the file length matches it.</summary>
    public static Llama2cHeader Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = stream.Length;
        if (length < HeaderBytes)
        {
            throw new Llama2cFormatException(path, "header", 0, $"file is {length} bytes; a llama2.c checkpoint starts with a {HeaderBytes}-byte header.");
        }
        Span<byte> raw = stackalloc byte[HeaderBytes];
        stream.ReadExactly(raw);
        var values = new int[7];
        for (var i = 0; i < 7; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(i * 4)..]);
            var allowNegative = i == 5;
            var magnitude = allowNegative && values[i] < 0 ? -(long)values[i] : values[i];
            if (magnitude <= 0 || magnitude > MaxDimension)
            {
                throw new Llama2cFormatException(path, "header." + s_fieldNames[i], i * 4,
                    $"value {values[i]} is out of range (1..{MaxDimension}{(allowNegative ? ", negative for an unshared classifier" : string.Empty)}).");
            }
        }
        var header = new Llama2cHeader(values[0], values[1], values[2], values[3], values[4], Math.Abs(values[5]), values[6], values[5] > 0);
        if (header.Dim % header.HeadCount != 0 || header.HeadSize % 2 != 0)
        {
            throw new Llama2cFormatException(path, "header.n_heads", 12, $"dim {header.Dim} must split into {header.HeadCount} heads of an even size.");
        }
        if (header.KvHeadCount > header.HeadCount || header.HeadCount % header.KvHeadCount != 0)
        {
            throw new Llama2cFormatException(path, "header.n_kv_heads", 16, $"{header.KvHeadCount} KV heads must divide the {header.HeadCount} attention heads.");
        }
        if (length != header.ExpectedFileBytes)
        {
            throw new Llama2cFormatException(path, "header", 0,
                $"file is {length} bytes but the header ({header.Describe()}) implies {header.ExpectedFileBytes}; the file is truncated or not a legacy llama2.c checkpoint.");
        }
        return header;
    }

    /// <summary>Where each weight lives in the checkpoint, in GGUF names and ggml dimension order (<c>[cols, rows]</c>).</summary>
    public IReadOnlyList<Llama2cTensorSource> Layout()
    {
        long d = Dim, h = HiddenDim, kv = KvDim, v = VocabSize;
        var offset = (long)HeaderBytes;
        long Next(long floats)
        {
            var at = offset;
            offset += floats * 4;
            return at;
        }
        var embedding = Next(v * d);
        var attnNorm = Next(LayerCount * d);
        var wq = Next(LayerCount * d * d);
        var wk = Next(LayerCount * kv * d);
        var wv = Next(LayerCount * kv * d);
        var wo = Next(LayerCount * d * d);
        var ffnNorm = Next(LayerCount * d);
        var w1 = Next(LayerCount * h * d);
        var w2 = Next(LayerCount * d * h);
        var w3 = Next(LayerCount * h * d);
        var finalNorm = Next(d);
        Next(2L * SequenceLength * (HeadSize / 2));   // freq_cis_real, freq_cis_imag: recomputed by the engine
        var classifier = SharedClassifier ? -1 : Next(v * d);

        var list = new List<Llama2cTensorSource>
        {
            new(Gguf.GgufNames.TokenEmbedding, [d, v], embedding),
            new(Gguf.GgufNames.OutputNorm, [d], finalNorm),
        };
        if (!SharedClassifier)
        {
            list.Add(new(Gguf.GgufNames.Output, [d, v], classifier));
        }
        for (var i = 0; i < LayerCount; i++)
        {
            list.Add(new(Gguf.GgufNames.AttnNorm(i), [d], attnNorm + i * d * 4));
            list.Add(new(Gguf.GgufNames.AttnQ(i), [d, d], wq + i * d * d * 4));
            list.Add(new(Gguf.GgufNames.AttnK(i), [d, kv], wk + i * kv * d * 4));
            list.Add(new(Gguf.GgufNames.AttnV(i), [d, kv], wv + i * kv * d * 4));
            list.Add(new(Gguf.GgufNames.AttnOutput(i), [d, d], wo + i * d * d * 4));
            list.Add(new(Gguf.GgufNames.FfnNorm(i), [d], ffnNorm + i * d * 4));
            list.Add(new(Gguf.GgufNames.FfnGate(i), [d, h], w1 + i * h * d * 4));
            list.Add(new(Gguf.GgufNames.FfnDown(i), [h, d], w2 + i * d * h * 4));
            list.Add(new(Gguf.GgufNames.FfnUp(i), [d, h], w3 + i * h * d * 4));
        }
        return list;
    }

    public string Describe() =>
        $"dim={Dim}, hidden_dim={HiddenDim}, n_layers={LayerCount}, n_heads={HeadCount}, n_kv_heads={KvHeadCount}, " +
        $"vocab_size={(SharedClassifier ? VocabSize : -VocabSize)}, seq_len={SequenceLength}";
}

/// <summary>One F32 weight in a llama2.c checkpoint: its GGUF name, ggml dimensions and absolute byte offset in the file.</summary>
public sealed record Llama2cTensorSource(string Name, long[] Dimensions, long FileOffset)
{
    public long ByteSize => Dimensions.Aggregate(4L, (a, b) => a * b);
}

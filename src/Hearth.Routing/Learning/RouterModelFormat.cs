using System.Text;

namespace Hearth.Routing.Learning;

/// <summary>A router model file is malformed (bad magic, unsupported version, truncated or inconsistent sizes).</summary>
public sealed class RouterModelFormatException : Exception
{
    public RouterModelFormatException(string message)
        : base(message)
    {
    }

    public RouterModelFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public RouterModelFormatException()
    {
    }
}

/// <summary>
/// Binary format of a trained router (little-endian): magic "HRTR", u32 version (2), u8 kind, i32 hash bits,
/// i32 dense count, f64 bias, f32[2^bits] sparse weights, f64[dense] weights, f64[dense] means, f64[dense] scales,
/// f64[101] calibration score quantiles, f64[101] calibration PGR, i32 tree count (0 = none), f64 tree bias, then per
/// tree: i32 node count, and per node i32 feature (−1 = leaf), f64 threshold, i32 left, i32 right, f64 value.
/// </summary>
public static class RouterModelFormat
{
    private const uint Version = 2;
    private const int MaxTrees = 10_000;
    private const int MaxNodesPerTree = 4096;
    private static readonly byte[] s_magic = "HRTR"u8.ToArray();

    /// <summary>Writes a model.</summary>
    public static void Save(RouterModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(s_magic);
        w.Write(Version);
        w.Write((byte)model.Kind);
        w.Write(model.Featurizer.HashBits);
        w.Write(model.Model.DenseWeights.Length);
        w.Write(model.Model.Bias);
        foreach (var v in model.Model.SparseWeights)
        {
            w.Write(v);
        }
        WriteAll(w, model.Model.DenseWeights);
        WriteAll(w, model.Model.DenseMean);
        WriteAll(w, model.Model.DenseScale);
        WriteAll(w, model.QuantileScores);
        WriteAll(w, model.QuantilePgr);
        var trees = model.Trees;
        w.Write(trees?.TreeCount ?? 0);
        w.Write(trees?.Bias ?? 0.0);
        for (int t = 0; t < (trees?.TreeCount ?? 0); t++)
        {
            var (feature, threshold, left, right, value) = trees!.Tree(t);
            w.Write(feature.Length);
            for (int k = 0; k < feature.Length; k++)
            {
                w.Write(feature[k]);
                w.Write(threshold[k]);
                w.Write(left[k]);
                w.Write(right[k]);
                w.Write(value[k]);
            }
        }
    }

    /// <summary>Writes a model to a file.</summary>
    public static void Save(RouterModel model, string path)
    {
        using var f = File.Create(path);
        Save(model, f);
    }

    /// <summary>Reads a model; <paramref name="source"/> names the input in error messages.</summary>
    /// <exception cref="RouterModelFormatException">The data is not a valid router model of this version.</exception>
    public static RouterModel Load(Stream stream, string source)
    {
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            var magic = r.ReadBytes(4);
            if (!magic.AsSpan().SequenceEqual(s_magic))
            {
                throw new RouterModelFormatException($"{source}: offset 0: not a Hearth router model (magic 'HRTR' expected).");
            }
            var version = r.ReadUInt32();
            if (version != Version)
            {
                throw new RouterModelFormatException($"{source}: offset 4: unsupported router model version {version} (expected {Version}).");
            }
            var kind = (RouterKind)r.ReadByte();
            if (kind is not (RouterKind.Predictive or RouterKind.Cascade))
            {
                throw new RouterModelFormatException($"{source}: offset 8: unknown router kind {(int)kind}.");
            }
            var bits = r.ReadInt32();
            if (bits is < 8 or > 24)
            {
                throw new RouterModelFormatException($"{source}: offset 9: hash bits {bits} outside 8..24.");
            }
            var denseCount = r.ReadInt32();
            var expectedDense = new Features.Featurizer(bits, kind == RouterKind.Cascade).DenseCount;
            if (denseCount != expectedDense)
            {
                throw new RouterModelFormatException($"{source}: offset 13: {denseCount} dense features, this build computes {expectedDense}; retrain the model.");
            }
            var bias = r.ReadDouble();
            var sparse = new float[1 << bits];
            for (int i = 0; i < sparse.Length; i++)
            {
                sparse[i] = r.ReadSingle();
            }
            var weights = ReadAll(r, denseCount);
            var mean = ReadAll(r, denseCount);
            var scale = ReadAll(r, denseCount);
            var quantiles = ReadAll(r, 101);
            var pgr = ReadAll(r, 101);
            var trees = ReadTrees(r, denseCount, source);
            return new RouterModel(kind, bits, new LogisticModel(sparse, weights, mean, scale, bias), trees, quantiles, pgr);
        }
        catch (EndOfStreamException e)
        {
            throw new RouterModelFormatException($"{source}: truncated router model.", e);
        }
    }

    /// <summary>Reads a model file.</summary>
    public static RouterModel Load(string path)
    {
        using var f = File.OpenRead(path);
        return Load(f, path);
    }

    private static BoostedTrees? ReadTrees(BinaryReader r, int denseCount, string source)
    {
        var offset = r.BaseStream.CanSeek ? r.BaseStream.Position : -1;
        var count = r.ReadInt32();
        var bias = r.ReadDouble();
        if (count is < 0 or > MaxTrees)
        {
            throw new RouterModelFormatException($"{source}: offset {offset}: tree count {count} outside 0..{MaxTrees}.");
        }
        if (count == 0)
        {
            return null;
        }
        var feature = new int[count][];
        var threshold = new double[count][];
        var left = new int[count][];
        var right = new int[count][];
        var value = new double[count][];
        for (int t = 0; t < count; t++)
        {
            var nodes = r.ReadInt32();
            if (nodes is < 1 or > MaxNodesPerTree)
            {
                throw new RouterModelFormatException($"{source}: tree {t}: node count {nodes} outside 1..{MaxNodesPerTree}.");
            }
            feature[t] = new int[nodes];
            threshold[t] = new double[nodes];
            left[t] = new int[nodes];
            right[t] = new int[nodes];
            value[t] = new double[nodes];
            for (int k = 0; k < nodes; k++)
            {
                feature[t][k] = r.ReadInt32();
                threshold[t][k] = r.ReadDouble();
                left[t][k] = r.ReadInt32();
                right[t][k] = r.ReadInt32();
                value[t][k] = r.ReadDouble();
                // Children must come after their parent: traversal always ends (no cycles) and stays in range.
                if (feature[t][k] >= denseCount || feature[t][k] < -1
                    || (feature[t][k] >= 0 && (left[t][k] <= k || right[t][k] <= k || left[t][k] >= nodes || right[t][k] >= nodes)))
                {
                    throw new RouterModelFormatException($"{source}: tree {t} node {k}: invalid feature or child index.");
                }
            }
        }
        return new BoostedTrees(bias, feature, threshold, left, right, value);
    }

    private static void WriteAll(BinaryWriter w, double[] values)
    {
        foreach (var v in values)
        {
            w.Write(v);
        }
    }

    private static double[] ReadAll(BinaryReader r, int count)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = r.ReadDouble();
        }
        return values;
    }
}

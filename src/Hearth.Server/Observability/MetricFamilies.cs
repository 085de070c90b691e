using System.Collections.Concurrent;
using System.Text;

namespace Hearth.Server.Observability;

/// <summary>A counter family with fixed label names; lock-free increments per label set.</summary>
public sealed class CounterFamily(string name, string help, params string[] labelNames)
{
    private readonly ConcurrentDictionary<LabelSet, StrongBoxLong> _cells = new();

    public string Name { get; } = name;

    public void Add(long value, params string[] labelValues) =>
        Interlocked.Add(ref _cells.GetOrAdd(new LabelSet(labelValues), static _ => new StrongBoxLong()).Value, value);

    public long Get(params string[] labelValues) =>
        _cells.TryGetValue(new LabelSet(labelValues), out var c) ? Interlocked.Read(ref c.Value) : 0;

    internal void Write(StringBuilder sb)
    {
        PrometheusText.Header(sb, Name, "counter", help);
        foreach (var (labels, cell) in _cells.OrderBy(kv => kv.Key.ToString(), StringComparer.Ordinal))
        {
            PrometheusText.Sample(sb, Name, labelNames, labels.Values, Interlocked.Read(ref cell.Value));
        }
    }
}

/// <summary>A histogram family (cumulative buckets in seconds or tokens, plus sum and count), lock per label set.</summary>
public sealed class HistogramFamily(string name, string help, double[] upperBounds, params string[] labelNames)
{
    private readonly ConcurrentDictionary<LabelSet, Cell> _cells = new();

    public string Name { get; } = name;

    public void Observe(double value, params string[] labelValues)
    {
        var cell = _cells.GetOrAdd(new LabelSet(labelValues), _ => new Cell(upperBounds.Length));
        var index = Array.BinarySearch(upperBounds, value);
        if (index < 0) { index = ~index; }
        lock (cell)
        {
            cell.Counts[index]++;
            cell.Sum += value;
            cell.Count++;
        }
    }

    public long Count(params string[] labelValues)
    {
        if (!_cells.TryGetValue(new LabelSet(labelValues), out var c)) { return 0; }
        lock (c) { return c.Count; }
    }

    internal void Write(StringBuilder sb)
    {
        PrometheusText.Header(sb, Name, "histogram", help);
        foreach (var (labels, cell) in _cells.OrderBy(kv => kv.Key.ToString(), StringComparer.Ordinal))
        {
            long[] counts;
            double sum;
            long count;
            lock (cell)
            {
                counts = (long[])cell.Counts.Clone();
                sum = cell.Sum;
                count = cell.Count;
            }
            long cumulative = 0;
            for (var i = 0; i < upperBounds.Length; i++)
            {
                cumulative += counts[i];
                PrometheusText.Sample(sb, Name + "_bucket", labelNames, labels.Values, cumulative, "le", PrometheusText.Format(upperBounds[i]));
            }
            PrometheusText.Sample(sb, Name + "_bucket", labelNames, labels.Values, count, "le", "+Inf");
            PrometheusText.Sample(sb, Name + "_sum", labelNames, labels.Values, sum);
            PrometheusText.Sample(sb, Name + "_count", labelNames, labels.Values, count);
        }
    }

    private sealed class Cell(int buckets)
    {
        public long[] Counts { get; } = new long[buckets + 1];
        public double Sum { get; set; }
        public long Count { get; set; }
    }
}

internal sealed class StrongBoxLong
{
    public long Value;
}

/// <summary>Label values as a dictionary key (ordinal, element-wise equality).</summary>
internal readonly struct LabelSet(string[] values) : IEquatable<LabelSet>
{
    public string[] Values { get; } = values;

    public bool Equals(LabelSet other) => Values.AsSpan().SequenceEqual(other.Values);

    public override bool Equals(object? obj) => obj is LabelSet other && Equals(other);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var v in Values) { h.Add(v, StringComparer.Ordinal); }
        return h.ToHashCode();
    }

    public override string ToString() => string.Join('\u0001', Values);
}

namespace Hearth.Ledger.Data;

/// <summary>Median package TDP per CPU family, embedded from <c>Data/cpu-tdp-families.csv</c> (derived from CodeCarbon's table).</summary>
public sealed class CpuTdpTable
{
    private static readonly Lazy<CpuTdpTable> s_default = new(() => new CpuTdpTable(EmbeddedData.ReadCsv("cpu-tdp-families.csv")));
    private readonly List<(string Family, double TdpWatts)> _families;

    private CpuTdpTable(IReadOnlyList<Dictionary<string, string>> rows)
    {
        _families = rows.Select(r => (r["family"], EmbeddedData.Number(r, "median_tdp_w", "cpu-tdp-families.csv")))
            .OrderByDescending(f => f.Item1.Length)
            .ToList();
        var sorted = _families.Select(f => f.TdpWatts).Order().ToArray();
        FallbackTdpWatts = sorted.Length == 0 ? 65 : sorted[sorted.Length / 2];
    }

    /// <summary>The embedded table.</summary>
    public static CpuTdpTable Default => s_default.Value;

    /// <summary>Median of the family medians: used when the model name matches no family.</summary>
    public double FallbackTdpWatts { get; }

    /// <summary>Finds the longest family prefix of a normalised CPU model name.</summary>
    public bool TryLookup(string modelName, out string family, out double tdpWatts)
    {
        var n = Normalise(modelName);
        foreach (var (f, w) in _families)
        {
            if (n.StartsWith(f + " ", StringComparison.OrdinalIgnoreCase) || n.Equals(f, StringComparison.OrdinalIgnoreCase))
            {
                family = f;
                tdpWatts = w;
                return true;
            }
        }
        family = "";
        tdpWatts = FallbackTdpWatts;
        return false;
    }

    /// <summary>Removes (R), (TM), "CPU" and repeated spaces: "Intel(R) Xeon(R) CPU E5" → "Intel Xeon E5".</summary>
    public static string Normalise(string modelName)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        var s = modelName.Replace("(R)", " ", StringComparison.OrdinalIgnoreCase).Replace("(TM)", " ", StringComparison.OrdinalIgnoreCase);
        var parts = s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.Equals("CPU", StringComparison.OrdinalIgnoreCase));
        return string.Join(' ', parts);
    }
}

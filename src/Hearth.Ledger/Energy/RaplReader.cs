using System.Globalization;

namespace Hearth.Ledger.Energy;

/// <summary>One RAPL powercap zone Hearth reads.</summary>
/// <param name="Name">The zone's <c>name</c> file, e.g. <c>package-0</c> or <c>dram</c>.</param>
/// <param name="Directory">The zone's folder.</param>
/// <param name="MaxEnergyRangeMicrojoules">The counter's range; it wraps to 0 after this.</param>
public sealed record RaplDomain(string Name, string Directory, long MaxEnergyRangeMicrojoules);

/// <summary>
/// Reads Linux RAPL energy counters under a powercap root (default <c>/sys/class/powercap</c>; injectable for tests).
/// Sums the <b>package</b> zones and the <b>dram</b> zones only: core/uncore are nested inside a package and psys
/// contains the packages, so adding them would count energy twice. Handles wrap-around with <c>max_energy_range_uj</c>.
/// </summary>
public sealed class RaplReader
{
    private RaplReader(IReadOnlyList<RaplDomain> domains) => Domains = domains;

    /// <summary>The zones summed.</summary>
    public IReadOnlyList<RaplDomain> Domains { get; }

    /// <summary>Opens the RAPL zones under <paramref name="powercapRoot"/>; null (with a reason) when none is readable.</summary>
    public static RaplReader? TryOpen(string powercapRoot, out string reason)
    {
        ArgumentNullException.ThrowIfNull(powercapRoot);
        if (!Directory.Exists(powercapRoot))
        {
            reason = $"no powercap folder at {powercapRoot}";
            return null;
        }
        var domains = new List<RaplDomain>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories(powercapRoot, "intel-rapl:*").Order(StringComparer.Ordinal))
        {
            var zoneId = Path.GetFileName(dir)["intel-rapl:".Length..];
            var depth = zoneId.Count(c => c == ':');
            if (depth > 1)
            {
                continue;
            }
            if (!TryReadText(Path.Combine(dir, "name"), out var name))
            {
                continue;
            }
            var isPackage = depth == 0 && name.StartsWith("package", StringComparison.Ordinal);
            var isDram = name == "dram";
            if (!isPackage && !isDram)
            {
                continue; // psys (contains the packages), core/uncore (nested in a package): never summed.
            }
            if (!TryReadLong(Path.Combine(dir, "energy_uj"), out _) ||
                !TryReadLong(Path.Combine(dir, "max_energy_range_uj"), out var max) || max <= 0)
            {
                continue;
            }
            var real = ResolveReal(dir);
            if (seen.Add(real))
            {
                domains.Add(new RaplDomain(name, dir, max));
            }
        }
        if (domains.Count == 0)
        {
            reason = $"no readable RAPL package or dram zone under {powercapRoot}";
            return null;
        }
        reason = "";
        return new RaplReader(domains);
    }

    /// <summary>Reads every zone's counter (µJ), in <see cref="Domains"/> order.</summary>
    public long[] ReadMicrojoules()
    {
        var values = new long[Domains.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = TryReadLong(Path.Combine(Domains[i].Directory, "energy_uj"), out var v)
                ? v
                : throw new IOException($"RAPL counter {Domains[i].Directory}/energy_uj became unreadable.");
        }
        return values;
    }

    /// <summary>Joules between two readings, each zone's delta corrected for one wrap-around.</summary>
    public double JoulesBetween(long[] before, long[] after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        double microjoules = 0;
        for (var i = 0; i < Domains.Count; i++)
        {
            microjoules += DeltaMicrojoules(before[i], after[i], Domains[i].MaxEnergyRangeMicrojoules);
        }
        return microjoules / 1e6;
    }

    /// <summary>The counter delta, corrected for a single wrap at <paramref name="maxRange"/>.</summary>
    public static long DeltaMicrojoules(long before, long after, long maxRange) =>
        after >= before ? after - before : (maxRange - before) + after;

    private static string ResolveReal(string dir)
    {
        try
        {
            var info = new DirectoryInfo(dir);
            return info.LinkTarget is { } target ? Path.GetFullPath(target, Path.GetDirectoryName(dir)!) : info.FullName;
        }
        catch (IOException)
        {
            return dir;
        }
    }

    private static bool TryReadText(string path, out string text)
    {
        try
        {
            text = File.ReadAllText(path).Trim();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            text = "";
            return false;
        }
    }

    private static bool TryReadLong(string path, out long value)
    {
        value = 0;
        return TryReadText(path, out var t) && long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }
}

using Hearth.Ledger.Energy;
using Hearth.TestSupport;

namespace Hearth.Ledger.Tests.Energy;

public class RaplReaderTests
{
    /// <summary>Builds a fake powercap tree: package-0 with core (nested) and dram subzones, plus psys.</summary>
    internal static string FakeTree(TempDir dir, long package = 1_000_000, long dram = 500_000, long max = 262_143_328_850)
    {
        var root = dir.File("powercap");
        Zone(root, "intel-rapl:0", "package-0", package, max);
        Zone(root, "intel-rapl:0:0", "core", 900_000, max);
        Zone(root, "intel-rapl:0:1", "dram", dram, 65_712_999_613);
        Zone(root, "intel-rapl:1", "psys", 5_000_000, max);
        Directory.CreateDirectory(Path.Combine(root, "intel-rapl"));
        return root;
    }

    internal static void Zone(string root, string id, string name, long energy, long max)
    {
        var d = Path.Combine(root, id);
        Directory.CreateDirectory(d);
        File.WriteAllText(Path.Combine(d, "name"), name + "\n");
        File.WriteAllText(Path.Combine(d, "energy_uj"), energy + "\n");
        File.WriteAllText(Path.Combine(d, "max_energy_range_uj"), max + "\n");
    }

    internal static void Set(string root, string id, long energy) => File.WriteAllText(Path.Combine(root, id, "energy_uj"), energy + "\n");

    [Fact]
    public void TryOpen_FakeTree_SumsPackageAndDramOnly()
    {
        using var dir = new TempDir();
        var root = FakeTree(dir);
        var rapl = RaplReader.TryOpen(root, out var reason);
        Assert.NotNull(rapl);
        Assert.Equal("", reason);
        Assert.Equal(["package-0", "dram"], rapl.Domains.Select(d => d.Name));
    }

    [Fact]
    public void JoulesBetween_CounterDelta_ReproducesDelta()
    {
        using var dir = new TempDir();
        var root = FakeTree(dir);
        var rapl = RaplReader.TryOpen(root, out _)!;
        var before = rapl.ReadMicrojoules();
        Set(root, "intel-rapl:0", 1_000_000 + 7_000_000);
        Set(root, "intel-rapl:0:1", 500_000 + 1_000_000);
        Set(root, "intel-rapl:0:0", 99_999_999); // nested core zone: must not count
        Set(root, "intel-rapl:1", 99_999_999); // psys: must not count
        Assert.Equal(8.0, rapl.JoulesBetween(before, rapl.ReadMicrojoules()), 9);
    }

    [Fact]
    public void JoulesBetween_PackageCounterWrapped_UsesMaxEnergyRange()
    {
        using var dir = new TempDir();
        var root = FakeTree(dir, package: 262_143_000_000);
        var rapl = RaplReader.TryOpen(root, out _)!;
        var before = rapl.ReadMicrojoules();
        Set(root, "intel-rapl:0", 1_671_150); // wrapped: (262143328850 - 262143000000) + 1671150 = 2,000,000 µJ
        Assert.Equal(2.0, rapl.JoulesBetween(before, rapl.ReadMicrojoules()), 9);
    }

    [Fact]
    public void TryOpen_NoPowercap_ReturnsNullWithReason()
    {
        using var dir = new TempDir();
        Assert.Null(RaplReader.TryOpen(dir.File("missing"), out var reason));
        Assert.Contains("no powercap", reason, StringComparison.Ordinal);
        Directory.CreateDirectory(dir.File("empty"));
        Assert.Null(RaplReader.TryOpen(dir.File("empty"), out reason));
        Assert.Contains("no readable RAPL", reason, StringComparison.Ordinal);
    }
}

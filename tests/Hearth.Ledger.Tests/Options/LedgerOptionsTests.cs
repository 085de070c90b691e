using Hearth.Ledger.Options;

namespace Hearth.Ledger.Tests.Options;

public class LedgerOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoErrors() => Assert.Empty(new LedgerOptions().Validate());

    [Fact]
    public void Validate_BadValues_NamesEachField()
    {
        var o = new LedgerOptions
        {
            NodeId = "",
            Zone = "ATLANTIS",
            SitePue = 0.8,
            HeatReuseFraction = 2,
            Intensity = new IntensitySourceOptions { Kind = "wattbuddy" },
            Store = new LedgerStoreOptions { Kind = LedgerStoreKind.Postgres, Schema = "Bad-Name", MaxBatchEntries = 0 },
            Budgets = [new BudgetRule { Subject = "acme" }],
        };
        var errors = o.Validate();
        Assert.Contains(errors, e => e.StartsWith("NodeId:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Zone: 'ATLANTIS'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SitePue:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("HeatReuseFraction:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unknown 'wattbuddy'", StringComparison.Ordinal) && e.Contains("electricitymaps", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Store.Schema:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Store.MaxBatchEntries:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Budgets[0]:", StringComparison.Ordinal));
        var ex = Assert.Throws<LedgerConfigurationException>(() => o.ThrowIfInvalid());
        Assert.Equal(errors.Count, ex.Errors.Count);
    }

    [Fact]
    public void Validate_LiveSourceWithoutAddress_Fails()
    {
        var errors = new LedgerOptions { Intensity = new IntensitySourceOptions { Kind = IntensitySourceKinds.ElectricityMaps } }.Validate();
        Assert.Contains(errors, e => e.StartsWith("Intensity.BaseAddress:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Intensity.ApiToken:", StringComparison.Ordinal));
    }
}

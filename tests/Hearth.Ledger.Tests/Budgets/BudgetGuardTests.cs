using Hearth.Ledger.Budgets;
using Hearth.Ledger.Options;

namespace Hearth.Ledger.Tests.Budgets;

public class BudgetGuardTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Check_DailyCarbonExhausted_RefusesNamingBudget()
    {
        var clock = new ManualTimeProvider(Noon);
        var guard = new BudgetGuard([new BudgetRule { Subject = "acme", MaxGramsCo2e = 0.001, Policy = BudgetPolicy.Refuse }], clock);
        Assert.Equal(BudgetOutcome.Allow, guard.Check("acme", "").Outcome);
        guard.Record(Fixtures.Entry(0) with { Timestamp = Noon, OperationalGramsCo2e = 0.0008, EmbodiedGramsCo2e = 0.0003 });
        var d = guard.Check("acme", "");
        Assert.Equal(BudgetOutcome.Refuse, d.Outcome);
        Assert.Contains("acme: 0.001 gCO2e per day", d.Message, StringComparison.Ordinal);
        Assert.Equal(BudgetOutcome.Allow, guard.Check("other", "").Outcome);
        clock.Advance(TimeSpan.FromHours(13)); // next UTC day
        Assert.Equal(BudgetOutcome.Allow, guard.Check("acme", "").Outcome);
    }

    [Fact]
    public void Check_MonthlyEnergyByKey_Downgrades()
    {
        var clock = new ManualTimeProvider(Noon);
        var guard = new BudgetGuard([new BudgetRule { Subject = "key-7", Period = BudgetPeriod.Month, MaxWattHours = 1, Policy = BudgetPolicy.Downgrade }], clock);
        guard.Record(Fixtures.Entry(0) with { Timestamp = Noon.AddDays(-3), ApiKeyId = "key-7", EnergyWattHours = 1.2 });
        var d = guard.Check("acme", "key-7");
        Assert.Equal(BudgetOutcome.Downgrade, d.Outcome);
        Assert.Contains("Wh per month", d.Message, StringComparison.Ordinal);
        Assert.Contains("local model", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RefuseAndDowngradeBothExhausted_RefuseWins()
    {
        var clock = new ManualTimeProvider(Noon);
        var guard = new BudgetGuard(
        [
            new BudgetRule { Subject = "*", MaxWattHours = 0.5, Policy = BudgetPolicy.Downgrade },
            new BudgetRule { Subject = "acme", MaxWattHours = 0.5, Policy = BudgetPolicy.Refuse },
        ], clock);
        guard.Record(Fixtures.Entry(0) with { Timestamp = Noon, EnergyWattHours = 1 });
        Assert.Equal(BudgetOutcome.Refuse, guard.Check("acme", "").Outcome);
    }
}

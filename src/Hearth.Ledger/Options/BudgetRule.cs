namespace Hearth.Ledger.Options;

/// <summary>The period a budget resets over (UTC calendar).</summary>
public enum BudgetPeriod
{
    Day,
    Month,
}

/// <summary>What happens when a budget is exhausted.</summary>
public enum BudgetPolicy
{
    /// <summary>Refuse the request (HTTP 429 with an OpenAI-style error naming the budget).</summary>
    Refuse,

    /// <summary>Serve it with the local model instead.</summary>
    Downgrade,
}

/// <summary>
/// One budget: for a tenant or API key id (<see cref="Subject"/>), at most <see cref="MaxGramsCo2e"/> and/or
/// <see cref="MaxWattHours"/> per <see cref="Period"/>.
/// </summary>
public sealed record BudgetRule
{
    /// <summary>Tenant name or API key id the budget applies to; <c>*</c> applies to every subject separately.</summary>
    public string Subject { get; init; } = "*";
    public BudgetPeriod Period { get; init; } = BudgetPeriod.Day;
    public double? MaxGramsCo2e { get; init; }
    public double? MaxWattHours { get; init; }
    public BudgetPolicy Policy { get; init; } = BudgetPolicy.Refuse;

    /// <summary>A short human name, e.g. <c>acme: 50 gCO2e/day</c>.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (MaxGramsCo2e is { } g)
        {
            parts.Add(FormattableString.Invariant($"{g} gCO2e"));
        }
        if (MaxWattHours is { } wh)
        {
            parts.Add(FormattableString.Invariant($"{wh} Wh"));
        }
        return $"{Subject}: {string.Join(" and ", parts)} per {Period.ToString().ToLowerInvariant()}";
    }

    internal void Validate(List<string> errors, string at)
    {
        if (string.IsNullOrWhiteSpace(Subject))
        {
            errors.Add($"{at}.Subject: must name a tenant or key id, or '*'.");
        }
        if (MaxGramsCo2e is null && MaxWattHours is null)
        {
            errors.Add($"{at}: set MaxGramsCo2e and/or MaxWattHours.");
        }
        if (MaxGramsCo2e is < 0 || MaxWattHours is < 0)
        {
            errors.Add($"{at}: limits must not be negative.");
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;

namespace Hearth.Ledger.Budgets;

/// <summary>What to do with a request given the budgets.</summary>
public enum BudgetOutcome
{
    Allow,
    Refuse,
    Downgrade,
}

/// <summary>A budget decision; <see cref="Message"/> names the budget that was exhausted.</summary>
public sealed record BudgetDecision(BudgetOutcome Outcome, BudgetRule? Rule, string? Message)
{
    public static readonly BudgetDecision Allowed = new(BudgetOutcome.Allow, null, null);
}

/// <summary>
/// Per tenant / API key budgets of gCO2e and Wh per UTC day or month. <see cref="Record"/> adds each appended entry;
/// <see cref="Check"/> says whether the next request may run, must be refused, or downgraded to the local model.
/// A refusing budget wins over a downgrading one. Thread-safe.
/// </summary>
public sealed class BudgetGuard
{
    private readonly IReadOnlyList<BudgetRule> _rules;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string Subject, BudgetPeriod Period, DateTimeOffset Start), Usage> _usage = new();

    public BudgetGuard(IReadOnlyList<BudgetRule> rules, TimeProvider? time = null)
    {
        _rules = rules ?? throw new ArgumentNullException(nameof(rules));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Adds an entry's carbon and energy to its tenant's and key's usage.</summary>
    public void Record(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        foreach (var subject in Subjects(entry.Tenant, entry.ApiKeyId))
        {
            foreach (var period in (ReadOnlySpan<BudgetPeriod>)[BudgetPeriod.Day, BudgetPeriod.Month])
            {
                var u = _usage.GetOrAdd((subject, period, PeriodStart(entry.Timestamp, period)), _ => new Usage());
                u.Add(entry.TotalGramsCo2e, entry.EnergyWattHours);
            }
        }
    }

    /// <summary>Loads this month's usage from the store (call once at start-up).</summary>
    public async Task SeedAsync(ILedgerStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var from = PeriodStart(_time.GetUtcNow(), BudgetPeriod.Month);
        long after = 0;
        while (true)
        {
            var page = await store.QueryAsync(new LedgerQuery { AfterSequence = after, From = from, Limit = 10_000 }, cancellationToken).ConfigureAwait(false);
            foreach (var e in page)
            {
                Record(e);
            }
            if (page.Count < 10_000)
            {
                return;
            }
            after = page[^1].Sequence;
        }
    }

    /// <summary>Decides for a request of <paramref name="tenant"/> with key <paramref name="apiKeyId"/>.</summary>
    public BudgetDecision Check(string tenant, string apiKeyId)
    {
        var now = _time.GetUtcNow();
        BudgetDecision? downgrade = null;
        foreach (var rule in _rules)
        {
            string? subject = rule.Subject == "*" ? "t:" + tenant
                : rule.Subject == tenant ? "t:" + tenant
                : rule.Subject == apiKeyId && apiKeyId.Length > 0 ? "k:" + apiKeyId
                : null;
            if (subject is null)
            {
                continue;
            }
            var start = PeriodStart(now, rule.Period);
            var used = _usage.TryGetValue((subject, rule.Period, start), out var u) ? u : new Usage();
            var (grams, wh) = used.Read();
            string? what = null;
            if (rule.MaxGramsCo2e is { } g && grams >= g)
            {
                what = string.Create(CultureInfo.InvariantCulture, $"used {grams:0.####} gCO2e of {g} gCO2e");
            }
            else if (rule.MaxWattHours is { } w && wh >= w)
            {
                what = string.Create(CultureInfo.InvariantCulture, $"used {wh:0.####} Wh of {w} Wh");
            }
            if (what is null)
            {
                continue;
            }
            var next = rule.Period == BudgetPeriod.Day ? start.AddDays(1) : start.AddMonths(1);
            var message = string.Create(CultureInfo.InvariantCulture,
                $"Carbon budget '{rule.Describe()}' is exhausted: {what} since {start:yyyy-MM-ddTHH:mm:ssZ}; it resets at {next:yyyy-MM-ddTHH:mm:ssZ}.");
            if (rule.Policy == BudgetPolicy.Refuse)
            {
                return new BudgetDecision(BudgetOutcome.Refuse, rule, message);
            }
            downgrade ??= new BudgetDecision(BudgetOutcome.Downgrade, rule, message + " Serving with the local model instead.");
        }
        return downgrade ?? BudgetDecision.Allowed;
    }

    private static IEnumerable<string> Subjects(string tenant, string apiKeyId)
    {
        yield return "t:" + tenant;
        if (apiKeyId.Length > 0)
        {
            yield return "k:" + apiKeyId;
        }
    }

    private static DateTimeOffset PeriodStart(DateTimeOffset t, BudgetPeriod period)
    {
        var u = t.ToUniversalTime();
        return period == BudgetPeriod.Day
            ? new DateTimeOffset(u.Year, u.Month, u.Day, 0, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(u.Year, u.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    private sealed class Usage
    {
        private readonly object _gate = new();
        private double _grams;
        private double _wh;

        public void Add(double grams, double wh)
        {
            lock (_gate)
            {
                _grams += grams;
                _wh += wh;
            }
        }

        public (double Grams, double Wh) Read()
        {
            lock (_gate)
            {
                return (_grams, _wh);
            }
        }
    }
}

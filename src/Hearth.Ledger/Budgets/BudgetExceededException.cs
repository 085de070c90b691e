using Hearth.Contracts;

namespace Hearth.Ledger.Budgets;

/// <summary>
/// A request refused by a carbon or energy budget (<see cref="BudgetOutcome.Refuse"/>, or a <see cref="BudgetOutcome.Downgrade"/>
/// that cannot be served locally): kind <see cref="RequestErrorKind.QuotaExceeded"/>, code <c>budget_exceeded</c>, the
/// message naming the budget. Nothing was spent on it, so the metering stages record no entry.
/// </summary>
public sealed class BudgetExceededException : HearthRequestException
{
    /// <summary>The message when the budget decision has none.</summary>
    public const string DefaultMessage = "A carbon budget is exhausted.";

    /// <summary>The stable code of the error.</summary>
    public const string ErrorCode = "budget_exceeded";

    public BudgetExceededException()
        : this(null)
    {
    }

    public BudgetExceededException(string? message)
        : base(RequestErrorKind.QuotaExceeded, message ?? DefaultMessage, null, ErrorCode)
    {
        RefusedBeforeWork = true;
    }

    public BudgetExceededException(string? message, Exception? inner)
        : base(RequestErrorKind.QuotaExceeded, message ?? DefaultMessage, null, ErrorCode, inner)
    {
        RefusedBeforeWork = true;
    }
}

using Hearth.Contracts;

namespace Hearth.Ledger.Queries;

/// <summary>
/// An invalid ledger query argument: kind <see cref="RequestErrorKind.InvalidRequest"/>, code <c>invalid_parameter</c>,
/// <see cref="HearthRequestException.Param"/> naming the argument (<c>limit</c>, <c>after</c>, <c>to</c>, <c>by</c>).
/// </summary>
public sealed class LedgerQueryException : HearthRequestException
{
    public LedgerQueryException()
    {
    }

    public LedgerQueryException(string message) : base(message)
    {
    }

    public LedgerQueryException(string message, Exception? inner) : base(message, inner)
    {
    }

    public LedgerQueryException(string parameter, string message, Exception? inner = null)
        : base(RequestErrorKind.InvalidRequest, message, parameter, "invalid_parameter", inner)
    {
    }

    /// <summary>The argument at fault (same as <see cref="HearthRequestException.Param"/>).</summary>
    public string? Parameter => Param;
}

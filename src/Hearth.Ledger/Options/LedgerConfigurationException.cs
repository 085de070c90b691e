namespace Hearth.Ledger.Options;

/// <summary>Thrown when ledger options are invalid; <see cref="Errors"/> lists each problem with its field.</summary>
public sealed class LedgerConfigurationException : Exception
{
    public LedgerConfigurationException(IReadOnlyList<string> errors)
        : base("Invalid ledger options: " + string.Join(" ", errors)) => Errors = errors;

    public LedgerConfigurationException() : this([])
    {
    }

    public LedgerConfigurationException(string message) : base(message) => Errors = [message];

    public LedgerConfigurationException(string message, Exception inner) : base(message, inner) => Errors = [message];

    public IReadOnlyList<string> Errors { get; }
}

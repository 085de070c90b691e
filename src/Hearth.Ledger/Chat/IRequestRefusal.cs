namespace Hearth.Ledger.Chat;

/// <summary>
/// Marks an exception that refuses a request before any work is done for it (e.g. a full model queue, 429): the metering
/// stages record no ledger entry for it, as for the requests refused before metering (docs/ledger.md, "Outcomes").
/// </summary>
public interface IRequestRefusal
{
}

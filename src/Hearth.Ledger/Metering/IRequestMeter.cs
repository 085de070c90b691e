namespace Hearth.Ledger.Metering;

/// <summary>Starts metering a request. Thread-safe; one instance per node.</summary>
public interface IRequestMeter
{
    /// <summary>Begins metering; complete the returned scope when the response is done.</summary>
    RequestScope BeginRequest(RequestInfo info);
}

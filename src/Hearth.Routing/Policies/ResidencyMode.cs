namespace Hearth.Routing.Policies;

/// <summary>What happens when a request holding sensitive data would be routed beyond the node.</summary>
public enum ResidencyMode
{
    /// <summary>Answer with a local backend, or refuse with <see cref="Sensitive.ResidencyRefusedException"/> when there is none.</summary>
    KeepLocal = 1,

    /// <summary>
    /// Replace detected sensitive spans with placeholders, send the redacted request, restore the values in the answer.
    /// Requests declared confidential (header or API key) are never sent, redacted or not.
    /// </summary>
    RedactAndEscalate = 2,
}

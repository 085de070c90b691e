using Microsoft.Extensions.AI;

namespace Hearth.Routing.Sensitive;

/// <summary>Adds the residency stages of an upstream model's pipeline (see <see cref="NodeResidency"/>).</summary>
public static class ResidencyChatClientBuilderExtensions
{
    /// <summary>
    /// The outer residency stage (<see cref="ResidencyChatClient"/>) of the upstream model <paramref name="remoteModel"/>: a
    /// confidential request is answered by <see cref="NodeResidency.LocalFallback"/>, redacted first or refused as the
    /// settings say. Call it first, so a request kept local is metered as the local model's.
    /// </summary>
    public static ChatClientBuilder UseResidencyEntry(this ChatClientBuilder builder, NodeResidency residency, string remoteModel)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(residency);
        ArgumentException.ThrowIfNullOrEmpty(remoteModel);
        return builder.Use(inner => new ResidencyChatClient(inner, remoteModel, residency.LocalFallback, residency.Detector, residency.Routing.Residency,
            residency.Routing.ConfidentialApiKeys));
    }

    /// <summary>
    /// The fail-closed guard (<see cref="ResidencyGuardChatClient"/>) of the upstream model <paramref name="remoteModel"/>:
    /// re-scans what is about to be sent and throws <see cref="ResidencyRefusedException"/> instead. Call it last, right
    /// above the upstream connection.
    /// </summary>
    public static ChatClientBuilder UseResidencyGuard(this ChatClientBuilder builder, NodeResidency residency, string remoteModel)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(residency);
        ArgumentException.ThrowIfNullOrEmpty(remoteModel);
        return builder.Use(inner => new ResidencyGuardChatClient(inner, residency.Detector, remoteModel, residency.Routing.ConfidentialApiKeys));
    }
}

using Microsoft.Extensions.AI;

namespace Hearth.Routing.Hybrid;

/// <summary>Adds the <see cref="DecisionEchoChatClient"/> stage to a pipeline.</summary>
public static class DecisionEchoChatClientBuilderExtensions
{
    /// <summary>
    /// Echoes a routing or residency decision passed down in the options onto the response below this point (call it after
    /// the metering stage, as the innermost stage above the backend, so the ledger records the decision's reason).
    /// </summary>
    public static ChatClientBuilder UseDecisionEcho(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new DecisionEchoChatClient(inner));
    }
}

using Hearth.Contracts;

namespace Hearth.Routing.Hybrid;

/// <summary>
/// A request asked for a routing policy that is unknown or cannot run here (e.g. carbon-aware over a backend whose site is
/// not configured): kind <see cref="RequestErrorKind.InvalidRequest"/>, param <see cref="Param"/> = <c>x-hearth-policy</c>,
/// code <c>invalid_policy</c> (HTTP 400 at the edge).
/// </summary>
public sealed class RoutingRequestException : HearthRequestException
{
    /// <summary>The request field at fault: the policy header.</summary>
    public const string PolicyParam = "x-hearth-policy";

    /// <summary>The error code of every routing request error.</summary>
    public const string InvalidPolicyCode = "invalid_policy";

    public RoutingRequestException(string message)
        : base(RequestErrorKind.InvalidRequest, message, PolicyParam, InvalidPolicyCode)
    {
    }

    public RoutingRequestException(string message, Exception inner)
        : base(RequestErrorKind.InvalidRequest, message, PolicyParam, InvalidPolicyCode, inner)
    {
    }

    public RoutingRequestException()
        : this("The routing policy is unknown or cannot run here.")
    {
    }
}

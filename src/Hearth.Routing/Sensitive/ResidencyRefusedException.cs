using Hearth.Contracts;

namespace Hearth.Routing.Sensitive;

/// <summary>
/// A confidential request could only be served beyond the node and was refused instead of being sent: kind
/// <see cref="RequestErrorKind.Refused"/>, code <c>residency_refused</c> (HTTP 403 <c>invalid_request_error</c> at the edge).
/// </summary>
public sealed class ResidencyRefusedException : HearthRequestException
{
    /// <summary>The error code of every residency refusal.</summary>
    public const string ResidencyRefusedCode = "residency_refused";

    public ResidencyRefusedException(string message)
        : base(RequestErrorKind.Refused, message, null, ResidencyRefusedCode)
    {
    }

    public ResidencyRefusedException(string message, Exception inner)
        : base(RequestErrorKind.Refused, message, null, ResidencyRefusedCode, inner)
    {
    }

    public ResidencyRefusedException()
        : this("A confidential request may not be served beyond the node.")
    {
    }

    /// <summary>The kinds of sensitive data found (empty when the request was declared confidential).</summary>
    public IReadOnlyList<SensitiveKind> Kinds { get; init; } = [];
}

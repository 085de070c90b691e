namespace Hearth.Routing.Sensitive;

/// <summary>
/// A confidential request could only be served beyond the node and was refused instead of being sent.
/// The HTTP edge maps it to an OpenAI-style error (code <c>residency_refused</c>).
/// </summary>
public sealed class ResidencyRefusedException : Exception
{
    public ResidencyRefusedException(string message)
        : base(message)
    {
    }

    public ResidencyRefusedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ResidencyRefusedException()
    {
    }

    /// <summary>The kinds of sensitive data found (empty when the request was declared confidential).</summary>
    public IReadOnlyList<SensitiveKind> Kinds { get; init; } = [];
}

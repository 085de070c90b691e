namespace Hearth.Routing.Sensitive;

/// <summary>Kinds of sensitive data the detector recognizes.</summary>
public enum SensitiveKind
{
    Email = 1,
    PhoneNumber,
    Iban,
    PaymentCard,
    UsSocialSecurityNumber,
    UkNationalInsuranceNumber,
    GermanTaxId,
    IpAddress,
    ApiKey,
    PrivateKey,
    HighEntropySecret,
    ConfiguredTerm,
}

/// <summary>One sensitive span in a text.</summary>
/// <param name="Kind">What was found.</param>
/// <param name="Start">Offset of the first character.</param>
/// <param name="Length">Length in characters.</param>
public readonly record struct SensitiveSpan(SensitiveKind Kind, int Start, int Length)
{
    /// <summary>Offset just past the span.</summary>
    public int End => Start + Length;
}

using System.Globalization;
using System.Text;

namespace Hearth.Routing.Sensitive;

/// <summary>
/// The placeholders of one redacted request: each distinct sensitive value gets one placeholder such as
/// <c>[[EMAIL_1]]</c>; <see cref="Restore"/> puts the originals back into the answer. Not thread-safe (one per request).
/// </summary>
public sealed class Redaction
{
    private readonly Dictionary<string, string> _placeholderByValue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _valueByPlaceholder = new(StringComparer.Ordinal);
    private readonly Dictionary<SensitiveKind, int> _counters = [];

    /// <summary>Number of distinct values replaced.</summary>
    public int Count => _valueByPlaceholder.Count;

    /// <summary>Replaces every span with its placeholder (the same value always gets the same placeholder).</summary>
    public string Redact(string text, IReadOnlyList<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(spans);
        if (spans.Count == 0)
        {
            return text;
        }
        var sb = new StringBuilder(text.Length);
        int at = 0;
        foreach (var span in spans)
        {
            sb.Append(text, at, span.Start - at);
            sb.Append(PlaceholderFor(span.Kind, text.Substring(span.Start, span.Length)));
            at = span.End;
        }
        sb.Append(text, at, text.Length - at);
        return sb.ToString();
    }

    /// <summary>Puts the original values back in place of the placeholders found in text.</summary>
    public string Restore(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Count == 0 || !text.Contains("[[", StringComparison.Ordinal))
        {
            return text;
        }
        var sb = new StringBuilder(text);
        foreach (var (placeholder, value) in _valueByPlaceholder)
        {
            sb.Replace(placeholder, value);
        }
        return sb.ToString();
    }

    private string PlaceholderFor(SensitiveKind kind, string value)
    {
        if (_placeholderByValue.TryGetValue(value, out var existing))
        {
            return existing;
        }
        _counters.TryGetValue(kind, out var n);
        _counters[kind] = ++n;
        var placeholder = string.Create(CultureInfo.InvariantCulture, $"[[{Label(kind)}_{n}]]");
        _placeholderByValue[value] = placeholder;
        _valueByPlaceholder[placeholder] = value;
        return placeholder;
    }

    private static string Label(SensitiveKind kind) => kind switch
    {
        SensitiveKind.Email => "EMAIL",
        SensitiveKind.PhoneNumber => "PHONE",
        SensitiveKind.Iban => "IBAN",
        SensitiveKind.PaymentCard => "CARD",
        SensitiveKind.UsSocialSecurityNumber => "SSN",
        SensitiveKind.UkNationalInsuranceNumber => "NINO",
        SensitiveKind.GermanTaxId => "TAXID",
        SensitiveKind.IpAddress => "IP",
        SensitiveKind.ApiKey => "KEY",
        SensitiveKind.PrivateKey => "PRIVATE_KEY",
        SensitiveKind.HighEntropySecret => "SECRET",
        _ => "TERM",
    };
}

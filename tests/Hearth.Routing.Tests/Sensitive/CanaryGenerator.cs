using System.Globalization;
using System.Text;
using Hearth.Routing.Sensitive;

namespace Hearth.Routing.Tests.Sensitive;

/// <summary>One planted secret: its kind and the exact text planted.</summary>
public sealed record Canary(SensitiveKind Kind, string Value)
{
    /// <summary>Digits only (for numeric identifiers, a leak may drop the separators).</summary>
    public string Digits => new(Value.Where(char.IsAsciiDigit).ToArray());

    public bool IsNumeric => Kind is SensitiveKind.PaymentCard or SensitiveKind.UsSocialSecurityNumber or SensitiveKind.GermanTaxId or SensitiveKind.PhoneNumber;
}

/// <summary>Seeded generator of realistic sensitive values of every kind, in varied formats and sentence contexts.</summary>
public sealed class CanaryGenerator(int seed)
{
    public static readonly string[] Terms = ["Project Nightingale", "Contoso Bank", "Bluefin-7"];

    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private readonly Random _rng = new(seed);

    public Canary Next()
    {
        var kind = (SensitiveKind)_rng.Next(1, 13);
        return new Canary(kind, Value(kind));
    }

    public string Value(SensitiveKind kind) => kind switch
    {
        SensitiveKind.Email => Email(),
        SensitiveKind.PhoneNumber => Phone(),
        SensitiveKind.Iban => Iban(),
        SensitiveKind.PaymentCard => Card(),
        SensitiveKind.UsSocialSecurityNumber => Ssn(),
        SensitiveKind.UkNationalInsuranceNumber => Nino(),
        SensitiveKind.GermanTaxId => TaxId(),
        SensitiveKind.IpAddress => _rng.Next(2) == 0 ? Ipv4() : Ipv6(),
        SensitiveKind.ApiKey => ApiKey(),
        SensitiveKind.PrivateKey => Pem(),
        SensitiveKind.HighEntropySecret => Token(32 + _rng.Next(16), Alnum + "+/") + "9a",
        _ => Terms[_rng.Next(Terms.Length)],
    };

    /// <summary>A sentence carrying the canary, in one of many contexts.</summary>
    public string Embed(Canary c)
    {
        string[] templates =
        [
            "Please contact {0} about the overdue invoice.",
            "{0}",
            "my details: {0}",
            "Could you summarise this note? Customer reference ({0}) wants a refund by Friday.",
            "{{\"customer\": \"x\", \"value\": \"{0}\", \"ok\": true}}",
            "config:\n  secret = \"{0}\"\n  region = eu-west",
            "Translate to French: the account {0} was closed.",
            "Here is the log line:\n[2024-05-01 10:22:01] user={0} action=login",
            "Is {0}, the value I gave you, formatted correctly?",
            "What is 12 + 30? Also keep {0} safe.",
            "-> {0} <-",
            "Note\n\n{0}\n\nEnd of note.",
        ];
        return string.Format(CultureInfo.InvariantCulture, templates[_rng.Next(templates.Length)], c.Value);
    }

    private string Token(int length, string alphabet)
    {
        var sb = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            sb.Append(alphabet[_rng.Next(alphabet.Length)]);
        }
        return sb.ToString();
    }

    private string DigitsOf(int n) => Token(n, "0123456789");

    private string Email()
    {
        string[] tlds = ["com", "org", "de", "co.uk", "io", "fr", "example"];
        var local = Token(1, "abcdefghijklmnopqrstuvwxyz") + Token(3 + _rng.Next(8), "abcdefghijklmnopqrstuvwxyz0123456789._") .TrimEnd('.', '_') + (_rng.Next(3) == 0 ? "+tag" + _rng.Next(100) : string.Empty);
        var domain = (_rng.Next(2) == 0 ? "mail." : string.Empty) + Token(3 + _rng.Next(8), "abcdefghijklmnopqrstuvwxyz") + (_rng.Next(4) == 0 ? "-corp" : string.Empty);
        return $"{local}@{domain}.{tlds[_rng.Next(tlds.Length)]}";
    }

    private string Phone() => _rng.Next(8) switch
    {
        0 => $"+44 20 {DigitsOf(4)} {DigitsOf(4)}",
        1 => $"+1-{_rng.Next(200, 999)}-{_rng.Next(200, 999)}-{DigitsOf(4)}",
        2 => $"({_rng.Next(200, 999)}) {_rng.Next(200, 999)}-{DigitsOf(4)}",
        3 => $"+49 30 {DigitsOf(8)}",
        4 => $"0049 89 {DigitsOf(7)}",
        5 => $"{_rng.Next(200, 999)}.{_rng.Next(200, 999)}.{DigitsOf(4)}",
        6 => $"+33 1 {DigitsOf(2)} {DigitsOf(2)} {DigitsOf(2)} {DigitsOf(2)}",
        _ => $"+{_rng.Next(2, 99)}{DigitsOf(9)}",
    };

    private string Iban()
    {
        var (country, bban) = _rng.Next(4) switch
        {
            0 => ("DE", DigitsOf(18)),
            1 => ("GB", Token(4, Upper) + DigitsOf(14)),
            2 => ("FR", DigitsOf(10) + Token(11, Upper + "0123456789") + DigitsOf(2)),
            _ => ("NL", Token(4, Upper) + DigitsOf(10)),
        };
        var iban = country + Checksums.IbanCheckDigits(country, bban) + bban;
        if (_rng.Next(2) == 0)
        {
            return iban;
        }
        var sb = new StringBuilder();
        for (int i = 0; i < iban.Length; i += 4)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }
            sb.Append(iban, i, Math.Min(4, iban.Length - i));
        }
        return sb.ToString();
    }

    private string Card()
    {
        var (prefix, length) = _rng.Next(4) switch
        {
            0 => ("4", 16),
            1 => (_rng.Next(51, 56).ToString(CultureInfo.InvariantCulture), 16),
            2 => (_rng.Next(2) == 0 ? "34" : "37", 15),
            _ => ("6011", 16),
        };
        var body = prefix + DigitsOf(length - prefix.Length - 1);
        for (int d = 0; d <= 9; d++)
        {
            var candidate = body + (char)('0' + d);
            if (Checksums.Luhn(candidate))
            {
                body = candidate;
                break;
            }
        }
        var sep = _rng.Next(3) switch { 0 => "", 1 => " ", _ => "-" };
        if (sep.Length == 0)
        {
            return body;
        }
        var groups = length == 15 ? new[] { 4, 6, 5 } : [4, 4, 4, 4];
        var parts = new List<string>();
        int at = 0;
        foreach (var g in groups)
        {
            parts.Add(body.Substring(at, g));
            at += g;
        }
        return string.Join(sep, parts);
    }

    private string Ssn() => $"{_rng.Next(1, 666):D3}-{_rng.Next(1, 100):D2}-{_rng.Next(1, 10000):D4}";

    private string Nino()
    {
        const string first = "ABCEGHJKLMNPRSTWXYZ";
        const string second = "ABCEGHJKLMNPRSTWXYZ";
        string prefix;
        do
        {
            prefix = $"{first[_rng.Next(first.Length)]}{second[_rng.Next(second.Length)]}";
        }
        while (prefix is "BG" or "GB" or "NK" or "KN" or "TN" or "NT" or "ZZ");
        var d = DigitsOf(6);
        var suffix = "ABCD"[_rng.Next(4)];
        return _rng.Next(2) == 0 ? $"{prefix}{d}{suffix}" : $"{prefix} {d[..2]} {d[2..4]} {d[4..]} {suffix}";
    }

    private string TaxId()
    {
        while (true)
        {
            var digits = new char[10];
            digits[0] = (char)('1' + _rng.Next(9));
            for (int i = 1; i < 10; i++)
            {
                digits[i] = (char)('0' + _rng.Next(10));
            }
            var ten = new string(digits);
            var id = ten + Checksums.GermanTaxIdCheckDigit(ten).ToString(CultureInfo.InvariantCulture);
            if (Checksums.GermanTaxId(id))
            {
                return id;
            }
        }
    }

    private string Ipv4() => $"{_rng.Next(1, 224)}.{_rng.Next(256)}.{_rng.Next(256)}.{_rng.Next(1, 255)}";

    private string Ipv6()
    {
        var groups = Enumerable.Range(0, 8).Select(_ => _rng.Next(0x10000).ToString("x", CultureInfo.InvariantCulture)).ToArray();
        return _rng.Next(2) == 0 ? string.Join(':', groups) : $"2001:db8::{groups[6]}:{groups[7]}";
    }

    private string ApiKey() => _rng.Next(7) switch
    {
        0 => "sk-" + Token(40, Alnum),
        1 => "sk-proj-" + Token(48, Alnum + "_-"),
        2 => "AKIA" + Token(16, Upper + "0123456789"),
        3 => "ghp_" + Token(36, Alnum),
        4 => "xoxb-" + DigitsOf(12) + "-" + Token(24, Alnum),
        5 => "AIza" + Token(35, Alnum + "_-"),
        _ => "eyJhbGciOiJIUzI1NiJ9.eyJ" + Token(30, Alnum) + "." + Token(43, Alnum + "_-"),
    };

    private string Pem()
    {
        var kind = _rng.Next(3) switch { 0 => "RSA ", 1 => "EC ", _ => string.Empty };
        var sb = new StringBuilder($"-----BEGIN {kind}PRIVATE KEY-----\n");
        for (int i = 0; i < 4; i++)
        {
            sb.Append(Token(64, Alnum + "+/")).Append('\n');
        }
        return sb.Append($"-----END {kind}PRIVATE KEY-----").ToString();
    }
}

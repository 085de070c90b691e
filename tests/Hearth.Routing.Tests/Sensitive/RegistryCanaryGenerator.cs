using System.Globalization;
using System.Text;
using Hearth.Routing.Sensitive;

namespace Hearth.Routing.Tests.Sensitive;

/// <summary>
/// A second canary generator, written independently of the detector's rules (it does not read its regexes or its IBAN
/// table): values come from the published formats of each identifier and are written the ways people and systems write
/// them. IBANs follow the example IBAN of every ISO 13616 registry country (each position keeps the example's character
/// class: digit, letter), with fresh random content and recomputed mod-97 check digits; cards come from issuers' IIN ranges
/// (Visa, Mastercard 51–55 and 2221–2720, Amex, Discover, JCB, Diners, UnionPay, Maestro, Mir, RuPay, Troy, UATP) with a
/// Luhn check digit; German tax ids satisfy the ISO 7064 and digit-repetition rules. Layouts: compact, paper groups of four,
/// lower and mixed case, non-breaking spaces, dashes, dots, a line break inside, URL-encoded spaces. Contexts: prose, logs,
/// key=value, JSON, CSV, URLs, markdown tables, parentheses, trailing punctuation, glued labels.
/// </summary>
public sealed class RegistryCanaryGenerator(int seed)
{
    /// <summary>
    /// The example IBAN of each country in the ISO 13616 registry (SWIFT IBAN registry), as published there; only its
    /// character classes and length are used.
    /// </summary>
    public static readonly string[] RegistryExamples =
    [
        "AD1200012030200359100100", "AE070331234567890123456", "AL47212110090000000235698741", "AT611904300234573201",
        "AZ21NABZ00000000137010001944", "BA391290079401028494", "BE68539007547034", "BG80BNBG96611020345678",
        "BH67BMAG00001299123456", "BI4210000100010000332045181", "BR1800360305000010009795493C1", "BY13NBRB3600900000002Z00AB00",
        "CH9300762011623852957", "CR05015202001026284066", "CY17002001280000001200527600", "CZ6508000000192000145399",
        "DE89370400440532013000", "DJ2100010000000154000100186", "DK5000400440116243", "DO28BAGR00000001212453611324",
        "EE382200221020145685", "EG380019000500000000263180002", "ES9121000418450200051332", "FI2112345600000785",
        "FK88SC123456789012", "FO6264600001631634", "FR1420041010050500013M02606", "GB29NWBK60161331926819",
        "GE29NB0000000101904917", "GI75NWBK000000007099453", "GL8964710001000206", "GR1601101250000000012300695",
        "GT82TRAJ01020000001210029690", "HN88CABF00000000000250005469", "HR1210010051863000160", "HU42117730161111101800000000",
        "IE29AIBK93115212345678", "IL620108000000099999999", "IQ98NBIQ850123456789012", "IS140159260076545510730339",
        "IT60X0542811101000000123456", "JO94CBJO0010000000000131000302", "KW81CBKU0000000000001234560101", "KZ86125KZT5004100100",
        "LB62099900000001001901229114", "LC55HEMM000100010012001200023015", "LI21088100002324013AA", "LT121000011101001000",
        "LU280019400644750000", "LV80BANK0000435195001", "LY83002048000020100120361", "MC5811222000010123456789030",
        "MD24AG000225100013104168", "ME25505000012345678951", "MK07250120000058984", "MN121234123456789123",
        "MR1300020001010000123456753", "MT84MALT011000012345MTLCAST001S", "MU17BOMM0101101030300200000MUR", "NI45BAPR00000013000003558124",
        "NL91ABNA0417164300", "NO9386011117947", "OM810180000001299123456", "PK36SCBL0000001123456702",
        "PL61109010140000071219812874", "PS92PALS000000000400123456702", "PT50000201231234567890154", "QA58DOHB00001234567890ABCDEFG",
        "RO49AAAA1B31007593840000", "RS35260005601001611379", "RU0304452522540817810538091310419", "SA0380000000608010167519",
        "SC18SSCB11010000000000001497USD", "SD2129010501234001", "SE4550000000058398257466", "SI56263300012039086",
        "SK3112000000198742637541", "SM86U0322509800000000270100", "SO211000001001000100141", "ST68000100010051845310112",
        "SV62CENR00000000000000700025", "TL380080012345678910157", "TN5910006035183598478831", "TR330006100519786457841326",
        "UA213223130000026007233566001", "VA59001123000012345678", "VG96VPVG0000012345678901", "XK051212012345678906",
        "YE15CBYE0001018861234567891234",
    ];

    /// <summary>Issuer prefixes (IIN ranges) and card lengths, from the networks' published ranges.</summary>
    private static readonly (string[] Prefixes, int[] Lengths)[] s_issuers =
    [
        (["4"], [13, 16, 19]),                                                   // Visa
        (["51", "52", "53", "54", "55", "2221", "2300", "2500", "2720"], [16]),  // Mastercard
        (["34", "37"], [15]),                                                    // American Express
        (["6011", "644", "649", "65"], [16, 19]),                                // Discover
        (["3528", "3550", "3589"], [16, 19]),                                    // JCB
        (["300", "305", "36", "38", "39"], [14, 16]),                            // Diners Club
        (["62"], [16, 17, 18, 19]),                                              // UnionPay
        (["50", "56", "57", "58", "63", "67"], [13, 16, 19]),                // Maestro
        (["2200", "2204"], [16]),                                                // Mir
        (["60", "81", "82", "508"], [16]),                                       // RuPay
        (["9792"], [16]),                                                        // Troy
        (["1"], [15]),                                                           // UATP
    ];

    private readonly Random _rng = new(seed);

    /// <summary>One canary: half IBANs (the kind that leaked), the rest the other checksum or fixed-shape identifiers.</summary>
    public Canary Next()
    {
        var kind = _rng.Next(10) switch
        {
            < 5 => SensitiveKind.Iban,
            < 7 => SensitiveKind.PaymentCard,
            7 => SensitiveKind.GermanTaxId,
            8 => SensitiveKind.UkNationalInsuranceNumber,
            _ => SensitiveKind.UsSocialSecurityNumber,
        };
        return new Canary(kind, kind switch
        {
            SensitiveKind.Iban => Iban(),
            SensitiveKind.PaymentCard => Card(),
            SensitiveKind.GermanTaxId => TaxId(),
            SensitiveKind.UkNationalInsuranceNumber => Nino(),
            _ => Ssn(),
        });
    }

    /// <summary>A random IBAN of <paramref name="country"/>'s registry layout, compact and upper case.</summary>
    public string CompactIban(string country)
    {
        var example = RegistryExamples.First(e => e.StartsWith(country, StringComparison.Ordinal));
        var bban = new StringBuilder(example.Length - 4);
        foreach (var c in example.AsSpan(4))
        {
            bban.Append(char.IsAsciiDigit(c) ? (char)('0' + _rng.Next(10)) : (char)('A' + _rng.Next(26)));
        }
        var b = bban.ToString();
        return country + CheckDigits(country, b) + b;
    }

    /// <summary>ISO 7064 MOD 97-10 check digits, computed here on a big integer (not with the detector's helper).</summary>
    private static string CheckDigits(string country, string bban)
    {
        var digits = new StringBuilder();
        foreach (var c in bban + country + "00")
        {
            digits.Append(char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(CultureInfo.InvariantCulture));
        }
        var remainder = (int)(System.Numerics.BigInteger.Parse(digits.ToString(), CultureInfo.InvariantCulture) % 97);
        return (98 - remainder).ToString("D2", CultureInfo.InvariantCulture);
    }

    private string Iban()
    {
        var compact = CompactIban(RegistryExamples[_rng.Next(RegistryExamples.Length)][..2]);
        var cased = _rng.Next(4) switch
        {
            0 => compact.ToLowerInvariant(),
            1 => MixedCase(compact),
            _ => compact,
        };
        return _rng.Next(9) switch
        {
            < 4 => cased,
            4 => Grouped(cased, 4, " "),
            5 => Grouped(cased, 4, "\u00A0"),
            6 => Grouped(cased, 4, "-"),
            7 => LineBreakInside(Grouped(cased, 4, " ")),
            _ => Grouped(cased, 4, "%20"),
        };
    }

    private string Card()
    {
        var (prefixes, lengths) = s_issuers[_rng.Next(s_issuers.Length)];
        var prefix = prefixes[_rng.Next(prefixes.Length)];
        var length = lengths[_rng.Next(lengths.Length)];
        var body = new StringBuilder(prefix);
        while (body.Length < length - 1)
        {
            body.Append((char)('0' + _rng.Next(10)));
        }
        var number = WithLuhnDigit(body.ToString());
        var sep = _rng.Next(6) switch { 0 or 1 => "", 2 => " ", 3 => "-", 4 => ".", _ => "\u00A0" };
        var written = sep.Length == 0 ? number
            : length == 15 && prefix is "34" or "37" ? $"{number[..4]}{sep}{number[4..10]}{sep}{number[10..]}"
            : Grouped(number, 4, sep);
        return _rng.Next(5) == 0 && sep == " " ? LineBreakInside(written) : written;
    }

    private static string WithLuhnDigit(string body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var d = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
        }
        return body + (char)('0' + ((10 - (sum % 10)) % 10));
    }

    private string TaxId()
    {
        while (true)
        {
            // Ten digits, the first not zero, exactly one digit twice (or three times, not adjacent), then ISO 7064 MOD 11,10.
            var digits = Enumerable.Range(0, 10).OrderBy(_ => _rng.Next()).ToList();
            var dup = digits[_rng.Next(9)];
            digits[9] = dup;
            digits = [.. digits.OrderBy(_ => _rng.Next())];
            if (digits[0] == 0)
            {
                continue;
            }
            var product = 10;
            foreach (var d in digits)
            {
                var s = (d + product) % 10;
                product = (s == 0 ? 10 : s) * 2 % 11;
            }
            var check = 11 - product == 10 ? 0 : 11 - product;
            var id = string.Concat(digits) + check.ToString(CultureInfo.InvariantCulture);
            return _rng.Next(3) == 0 ? $"{id[..2]} {id[2..5]} {id[5..8]} {id[8..]}" : id;
        }
    }

    private string Nino()
    {
        const string first = "ABCEGHJKLMNOPRSTWXYZ";
        const string second = "ABCEGHJKLMNPRSTWXYZ";
        string prefix;
        do
        {
            prefix = $"{first[_rng.Next(first.Length)]}{second[_rng.Next(second.Length)]}";
        }
        while (prefix is "BG" or "GB" or "KN" or "NK" or "NT" or "TN" or "ZZ");
        var n = _rng.Next(1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var value = $"{prefix}{n}{"ABCD"[_rng.Next(4)]}";
        return _rng.Next(4) switch
        {
            0 => $"{value[..2]} {value[2..4]} {value[4..6]} {value[6..8]} {value[8]}",
            1 => value.ToLowerInvariant(),
            _ => value,
        };
    }

    private string Ssn()
    {
        var area = _rng.Next(1, 900);
        if (area == 666)
        {
            area = 665;
        }
        return $"{area:D3}-{_rng.Next(1, 100):D2}-{_rng.Next(1, 10_000):D4}";
    }

    private string MixedCase(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsAsciiLetter(chars[i]) && _rng.Next(2) == 0)
            {
                chars[i] = char.ToLowerInvariant(chars[i]);
            }
        }
        return new string(chars);
    }

    private static string Grouped(string s, int size, string sep)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i += size)
        {
            if (i > 0)
            {
                sb.Append(sep);
            }
            sb.Append(s, i, Math.Min(size, s.Length - i));
        }
        return sb.ToString();
    }

    private string LineBreakInside(string grouped)
    {
        var spaces = Enumerable.Range(0, grouped.Length).Where(i => grouped[i] == ' ').ToList();
        if (spaces.Count == 0)
        {
            return grouped;
        }
        var at = spaces[_rng.Next(spaces.Count)];
        return grouped[..at] + (_rng.Next(2) == 0 ? "\n" : "\r\n") + grouped[(at + 1)..];
    }

    /// <summary>A text carrying the canary in one of many real-world layouts.</summary>
    public string Embed(Canary c)
    {
        var v = c.Value;
        var label = c.Kind switch
        {
            SensitiveKind.Iban => Pick("iban", "IBAN", "src", "dst", "account", "acct", "Konto"),
            SensitiveKind.PaymentCard => Pick("card", "cc", "pan", "card_number", "Karte"),
            SensitiveKind.GermanTaxId => Pick("steuer_id", "IdNr", "tax_id", "TIN"),
            SensitiveKind.UkNationalInsuranceNumber => Pick("nino", "NI", "ni_number"),
            _ => Pick("ssn", "SSN", "social"),
        };
        return _rng.Next(20) switch
        {
            0 => $"{label}={v}",
            1 => $"transfer ok src={v}&amount=120.00&currency=EUR",
            2 => $"https://pay.example.com/api/transfer?{label}={v}&ref=42",
            3 => $"{{\"{label}\":\"{v}\",\"amount\":1200}}",
            4 => $"name,{label},city\nAna Ruiz,{v},Madrid",
            5 => $"| name | {label} |\n|---|---|\n| Ana | {v} |",
            6 => $"Please wire the deposit ({v}) before Friday.",
            7 => $"My {label} is {v}, thanks.",
            8 => $"[2026-03-01T10:22:01Z] INFO payment accepted {label}:{v} status=200",
            9 => $"{label}:{v}",
            10 => $"\"{v}\"",
            11 => $"Can you check whether {v}; is formatted right?",
            12 => $"{label.ToUpperInvariant()}{v}",
            13 => $"<td>{v}</td>",
            14 => $"- {label}: `{v}`",
            15 => $"Ref#{v}/2026",
            16 => $"{v}",
            17 => $"values: [{v}, 17, 23]",
            18 => $"{label} = '{v}' # do not share",
            _ => $"Hola, mi {label} es {v}. Gracias!",
        };
    }

    private string Pick(params string[] items) => items[_rng.Next(items.Length)];
}

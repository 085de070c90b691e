using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Hearth.Routing.Sensitive;

/// <summary>
/// Finds sensitive data in text: e-mail addresses, phone numbers, IBANs (mod-97), payment cards (Luhn and issuer prefix),
/// US SSNs, UK National Insurance numbers, German tax ids (ISO 7064 check digit), IPv4/IPv6 addresses, API keys
/// (well-known prefixes, JWTs, password assignments), PEM private keys, high-entropy tokens, and configured terms.
/// Thread-safe; scans the whole text (no truncation: a span past a cut-off would leak).
/// Identifiers with a check digit fail closed: they are found by walking the text (<see cref="IbanScanner"/>,
/// <see cref="DigitGroupScanner"/>), not by patterns with word boundaries, so any letter case, any separator people use
/// (spaces of every kind, dashes, dots, line breaks, <c>%20</c>) and any neighbour (a glued label, punctuation, a URL or
/// JSON around it, a date after it) still lets the checksum decide.
/// </summary>
public sealed partial class SensitiveDataDetector
{
    private readonly SensitiveDataOptions _options;
    private readonly Regex? _terms;

    public SensitiveDataDetector(SensitiveDataOptions? options = null)
    {
        _options = options ?? new SensitiveDataOptions();
        _options.Validate();
        if (_options.Terms.Count > 0)
        {
            var alternatives = string.Join('|', _options.Terms.Select(t => Regex.Escape(t.Trim())).OrderByDescending(t => t.Length));
            _terms = new Regex(@"(?<![\p{L}\p{N}])(?:" + alternatives + @")(?![\p{L}\p{N}])",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }
    }

    /// <summary>True when the text holds any sensitive span.</summary>
    public bool ContainsSensitiveData(string text) => Detect(text).Count > 0;

    /// <summary>All sensitive spans, ordered by start, without overlaps (the longest span wins).</summary>
    public IReadOnlyList<SensitiveSpan> Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<SensitiveSpan>();
        if (text.Length == 0)
        {
            return found;
        }
        AddAll(found, PemPrivateKey(), text, SensitiveKind.PrivateKey);
        AddAll(found, KnownKeyPrefix(), text, SensitiveKind.ApiKey);
        AddAll(found, Jwt(), text, SensitiveKind.ApiKey);
        AddAll(found, SecretAssignment(), text, SensitiveKind.ApiKey, "value");
        AddAll(found, Email(), text, SensitiveKind.Email);
        IbanScanner.Scan(text, found);
        DigitGroupScanner.Scan(text, found);
        AddUnlessInsideId(found, UsSsn(), text, SensitiveKind.UsSocialSecurityNumber);
        AddAll(found, UsSsnLabelledCompact(), text, SensitiveKind.UsSocialSecurityNumber, "value");
        AddUnlessInsideId(found, UkNino(), text, SensitiveKind.UkNationalInsuranceNumber);
        foreach (Match m in Phone().Matches(text))
        {
            // E.164 numbers have at most 15 digits; fewer than 8 is a code or an amount, not a phone number.
            var digits = m.Value.Count(char.IsAsciiDigit);
            if (digits is >= 8 and <= 15)
            {
                found.Add(new SensitiveSpan(SensitiveKind.PhoneNumber, m.Index, m.Length));
            }
        }
        AddAll(found, Ipv4(), text, SensitiveKind.IpAddress);
        foreach (Match m in Ipv6Candidate().Matches(text))
        {
            if (m.Value.Split(':').Count(g => g.Length > 0) >= 3 && IPAddress.TryParse(m.Value, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6)
            {
                found.Add(new SensitiveSpan(SensitiveKind.IpAddress, m.Index, m.Length));
            }
        }
        if (_options.DetectHighEntropyTokens)
        {
            foreach (Match m in LongToken().Matches(text))
            {
                if (m.Length >= _options.MinSecretTokenChars && !IsFileName(text, m.Index + m.Length) && LooksRandom(m.ValueSpan, _options.MinSecretEntropyBitsPerChar))
                {
                    found.Add(new SensitiveSpan(SensitiveKind.HighEntropySecret, m.Index, m.Length));
                }
            }
        }
        if (_terms is not null)
        {
            AddAll(found, _terms, text, SensitiveKind.ConfiguredTerm);
        }
        return Merge(found);
    }

    private static void AddAll(List<SensitiveSpan> found, Regex regex, string text, SensitiveKind kind, string? group = null)
    {
        foreach (Match m in regex.Matches(text))
        {
            var g = group is null ? m : m.Groups[group];
            if (g.Length > 0)
            {
                found.Add(new SensitiveSpan(kind, g.Index, g.Length));
            }
        }
    }

    /// <summary>Like <see cref="AddAll"/>, but not a match that is one piece of a hash or an alphanumeric id.</summary>
    private static void AddUnlessInsideId(List<SensitiveSpan> found, Regex regex, string text, SensitiveKind kind)
    {
        foreach (Match m in regex.Matches(text))
        {
            if (!DigitGroupScanner.InsideAlphanumericId(text, m.Index, m.Index + m.Length))
            {
                found.Add(new SensitiveSpan(kind, m.Index, m.Length));
            }
        }
    }

    private static List<SensitiveSpan> Merge(List<SensitiveSpan> spans)
    {
        spans.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var result = new List<SensitiveSpan>(spans.Count);
        foreach (var s in spans)
        {
            if (result.Count > 0 && s.Start < result[^1].End)
            {
                var last = result[^1];
                if (s.End > last.End)
                {
                    result[^1] = last with { Length = s.End - last.Start };
                }
                continue;
            }
            result.Add(s);
        }
        return result;
    }

    /// <summary>
    /// Random tokens (base62/base64 keys) mix upper case, lower case and digits and switch between them all the time.
    /// Structured identifiers do not. The token is read in segments (separators <c>- _ / + = .</c> start a new one) and
    /// segments that are words (<c>resourceGroups</c>, <c>Storage</c>, <c>log</c>) or pure hex (UUID and SHA parts) are not
    /// counted; what remains must hold upper case, lower case and digits, switch class at least max(6, length / 5) times,
    /// and the whole token must have at least <paramref name="minBitsPerChar"/> bits of Shannon entropy per character.
    /// </summary>
    private static bool LooksRandom(ReadOnlySpan<char> token, double minBitsPerChar)
    {
        int lower = 0, upper = 0, digit = 0, switches = 0;
        Span<int> counts = stackalloc int[128];
        foreach (var c in token)
        {
            if (c >= 128)
            {
                return false;
            }
            counts[c]++;
        }
        var rest = token;
        while (rest.Length > 0)
        {
            var cut = rest.IndexOfAny("-_/+=.");
            var segment = cut < 0 ? rest : rest[..cut];
            rest = cut < 0 ? [] : rest[(cut + 1)..];
            if (segment.Length == 0 || IsWord(segment) || IsHex(segment))
            {
                continue;
            }
            var previousClass = -1;
            foreach (var c in segment)
            {
                var cls = char.IsAsciiLetterLower(c) ? 0 : char.IsAsciiLetterUpper(c) ? 1 : 2;
                if (previousClass >= 0 && cls != previousClass)
                {
                    switches++;
                }
                previousClass = cls;
                lower |= cls == 0 ? 1 : 0;
                upper |= cls == 1 ? 1 : 0;
                digit |= cls == 2 ? 1 : 0;
            }
        }
        // A random 24-character base62 token switches class at ~60 % of positions; a fifth is a wide margin.
        if (lower + upper + digit < 3 || switches < Math.Max(6, token.Length / 5))
        {
            return false;
        }
        double entropy = 0;
        foreach (var c in counts)
        {
            if (c > 0)
            {
                var p = (double)c / token.Length;
                entropy -= p * Math.Log2(p);
            }
        }
        return entropy >= minBitsPerChar;
    }

    /// <summary>A word in lower, UPPER, Capitalized or camelCase/PascalCase form (letters only, each hump 2+ letters).</summary>
    private static bool IsWord(ReadOnlySpan<char> s)
    {
        if (s.ContainsAnyExcept(AsciiLetters))
        {
            return false;
        }
        if (!s.ContainsAnyInRange('a', 'z') || !s.ContainsAnyInRange('A', 'Z'))
        {
            return true;
        }
        // camelCase / PascalCase: every upper-case letter starts a hump of at least two letters (an upper, then lower case).
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsAsciiLetterUpper(s[i]) && (i + 1 >= s.Length || !char.IsAsciiLetterLower(s[i + 1]) || (i + 2 < s.Length && char.IsAsciiLetterUpper(s[i + 2]))))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsHex(ReadOnlySpan<char> s) =>
        !s.ContainsAnyExcept(LowerHex) || !s.ContainsAnyExcept(UpperHex);

    private static readonly System.Buffers.SearchValues<char> AsciiLetters = System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");
    private static readonly System.Buffers.SearchValues<char> UpperHex = System.Buffers.SearchValues.Create("0123456789ABCDEF");

    /// <summary>True when the token at <paramref name="end"/> continues as a file name (<c>id.png</c>, <c>name.pdf</c>).</summary>
    private static bool IsFileName(string text, int end)
    {
        if (end >= text.Length || text[end] != '.')
        {
            return false;
        }
        var m = FileExtension().Match(text, end);
        return m.Success && m.Index == end;
    }

    [GeneratedRegex(@"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)", RegexOptions.CultureInvariant)]
    private static partial Regex PemPrivateKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?:sk-(?:proj-|ant-|live-)?[A-Za-z0-9_\-]{16,}|sk_(?:live|test)_[A-Za-z0-9]{16,}|rk_(?:live|test)_[A-Za-z0-9]{16,}|(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_\-]{20,}|xox[abposr]-[A-Za-z0-9\-]{10,}|AIza[0-9A-Za-z_\-]{35}|hf_[A-Za-z0-9]{30,}|npm_[A-Za-z0-9]{36})", RegexOptions.CultureInvariant)]
    private static partial Regex KnownKeyPrefix();

    [GeneratedRegex(@"(?<![A-Za-z0-9])eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();

    [GeneratedRegex(@"\b(?:password|passwd|pwd|secret|api[_\-]?key|access[_\-]?token|auth[_\-]?token|client[_\-]?secret)\b[""']?\s*[:=]\s*[""']?(?<value>(?!\[\[)[^\s""',;]{6,})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretAssignment();

    [GeneratedRegex(@"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}\b", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    // AAA-GG-SSSS (dashes, dots or no-break spaces, one kind), or with spaces when not one number of a space-separated list of
    // numbers; a label may be glued on (ssn123-45-6789), digits and dashes may not (part of a longer number or id).
    [GeneratedRegex(@"(?<![0-9\-])(?!000|666|9\d\d)(?:\d{3}(?<sep>[\-.\u00A0])(?!00)\d{2}\k<sep>(?!0000)\d{4}|(?<!\d )\d{3} (?!00)\d{2} (?!0000)\d{4}(?! \d))(?![0-9\-])", RegexOptions.CultureInvariant)]
    private static partial Regex UsSsn();

    // Nine digits with no separators are an SSN only where a label says so: ssn, SS#, social security (number|no.|#), then
    // up to six quote, colon, equals, hash or white-space characters (ssn:123456789, SSN# 123456789, "social security number
    // 123456789", {"ssn": "123456789"}, ssn123456789).
    [GeneratedRegex(@"\b(?:ssn|ss\#|social[ \-_]?security)(?:[ \-_]?(?:number|num|no\.?|\#))?[\s""':=#]{0,6}(?<value>(?!000|666|9\d\d)\d{3}(?!00)\d{2}(?!0000)\d{4})(?![0-9])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UsSsnLabelledCompact();

    // Two prefix letters (HMRC's allowed ones), six digits, suffix A-D; spaces, dashes or no-break spaces optional between the
    // pairs. A label may be glued before it (NINOAB123456C); no letter or digit may follow.
    [GeneratedRegex(@"(?<![0-9])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][ \-\u00A0]?\d{2}[ \-\u00A0]?\d{2}[ \-\u00A0]?\d{2}[ \-\u00A0]?[A-D](?![A-Za-z0-9])", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex UkNino();

    // International (+CC ...) or 00CC prefix, North American (NNN) NNN-NNNN / NNN-NNN-NNNN / NNN.NNN.NNNN, and NXX NXX XXXX
    // with spaces (area code and exchange start 2-9) when not one number of a space-separated list of numbers; never glued to
    // a word by a dash (UUID and id segments such as 00684923-5171).
    [GeneratedRegex(@"(?<![\w+])(?<!\w-)(?:(?:\+|00)[1-9]\d{0,2}[ \-.]?(?:\(\d{1,4}\)[ \-.]?)?\d{1,4}(?:[ \-.]?\d{2,5}){1,4}|\(\d{3}\)[ \-.]?\d{3}[ \-.]\d{4}|\d{3}[\-.]\d{3}[\-.]\d{4}|(?<![\d.,] )[2-9]\d{2} [2-9]\d{2} \d{4}(?! \d))(?![\w])(?!-\w)", RegexOptions.CultureInvariant)]
    private static partial Regex Phone();

    [GeneratedRegex(@"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d]|\.\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4();

    [GeneratedRegex(@"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![0-9A-Fa-f:])", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv6Candidate();

    [GeneratedRegex(@"[A-Za-z0-9+/=_\-]{20,}", RegexOptions.CultureInvariant)]
    private static partial Regex LongToken();

    [GeneratedRegex(@"\.(?:png|jpe?g|gif|webp|svg|bmp|tiff?|ico|heic|avif|pdf|txt|md|csv|json|xml|html?|zip|gz|tar|mp[34]|mov|wav|docx?|xlsx?|pptx?)\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex FileExtension();
}

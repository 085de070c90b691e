using Hearth.Routing.Sensitive;

namespace Hearth.Routing.Tests.Sensitive;

public sealed class SensitiveDataDetectorTests
{
    private readonly SensitiveDataDetector _detector = new(new SensitiveDataOptions { Terms = ["Project Nightingale", "ACME-42"] });

    private SensitiveKind[] Kinds(string text) => _detector.Detect(text).Select(s => s.Kind).ToArray();

    [Theory]
    [InlineData("write to jane.doe+billing@example.co.uk today", SensitiveKind.Email)]
    [InlineData("call +44 20 7946 0958 now", SensitiveKind.PhoneNumber)]
    [InlineData("call (415) 555-2671", SensitiveKind.PhoneNumber)]
    [InlineData("tel 0049 89 1234567", SensitiveKind.PhoneNumber)]
    [InlineData("pay to GB82 WEST 1234 5698 7654 32 please", SensitiveKind.Iban)]
    [InlineData("IBAN DE89370400440532013000.", SensitiveKind.Iban)]
    [InlineData("iban de89 3704 0044 0532 0130 00 (lower case)", SensitiveKind.Iban)]
    [InlineData("pay gb82west12345698765432 now", SensitiveKind.Iban)]
    [InlineData("call me on 415 555 2671 tonight", SensitiveKind.PhoneNumber)]
    [InlineData("card 4111 1111 1111 1111 exp 09/27", SensitiveKind.PaymentCard)]
    [InlineData("amex 3782-822463-10005", SensitiveKind.PaymentCard)]
    [InlineData("SSN 123-45-6789", SensitiveKind.UsSocialSecurityNumber)]
    [InlineData("NI number JG 10 37 59 A", SensitiveKind.UkNationalInsuranceNumber)]
    [InlineData("Steuer-ID 86095742719", SensitiveKind.GermanTaxId)]
    [InlineData("server at 192.168.10.42:8080", SensitiveKind.IpAddress)]
    [InlineData("v6 2001:db8::8a2e:370:7334 up", SensitiveKind.IpAddress)]
    [InlineData("key sk-abcdefghijklmnopqrstuvwx1234", SensitiveKind.ApiKey)]
    [InlineData("AKIAIOSFODNN7EXAMPLE", SensitiveKind.ApiKey)]
    [InlineData("token ghp_abcdefghijklmnopqrstuvwxyz0123456789", SensitiveKind.ApiKey)]
    [InlineData("password: hunter2hunter2", SensitiveKind.ApiKey)]
    [InlineData("blob Xk3vQ9zLp2RtY7wNb5MhJc8FgD4sA6eU1", SensitiveKind.HighEntropySecret)]
    [InlineData("about project nightingale budget", SensitiveKind.ConfiguredTerm)]
    [InlineData("ticket ACME-42 is late", SensitiveKind.ConfiguredTerm)]
    public void Detect_Positive(string text, SensitiveKind kind) => Assert.Contains(kind, Kinds(text));

    /// <summary>Issue 10 item 4: checksum-valid values that a shape or boundary rule used to reject (they reached the upstream).</summary>
    [Theory]
    [InlineData("src=ES3646407023177594829377", SensitiveKind.Iban)]
    [InlineData("src=es3646407023177594829377&amount=10", SensitiveKind.Iban)]
    [InlineData("pay to ES3646407023177594829377 today", SensitiveKind.Iban)]
    [InlineData("(Es36 4640 7023 1775 9482 9377), thanks", SensitiveKind.Iban)]
    [InlineData("IBANDE89370400440532013000", SensitiveKind.Iban)]
    [InlineData("DE89-3704-0044-0532-0130-00", SensitiveKind.Iban)]
    [InlineData("DE89 3704 0044\n0532 0130 00", SensitiveKind.Iban)]
    [InlineData("to=DE89%203704%200044%200532%200130%2000", SensitiveKind.Iban)]
    [InlineData("{\"iban\":\"gb82west12345698765432\"}", SensitiveKind.Iban)]
    [InlineData("DE89\u200B3704\u200B0044\u200B0532\u200B0130\u200B00", SensitiveKind.Iban)]
    [InlineData("card 4111\u20131111\u20131111\u20131111", SensitiveKind.PaymentCard)]
    [InlineData("card 4111 1111 1111 1111 12/27 cvv 123", SensitiveKind.PaymentCard)]
    [InlineData("exp 12/27 4111 1111 1111 1111", SensitiveKind.PaymentCard)]
    [InlineData("cc4111111111111111", SensitiveKind.PaymentCard)]
    [InlineData("pan=4111.1111.1111.1111", SensitiveKind.PaymentCard)]
    [InlineData("Mir 2200 0000 0000 0004", SensitiveKind.PaymentCard)]
    [InlineData("IdNr 86 095 742 719", SensitiveKind.GermanTaxId)]
    [InlineData("ssn_123-45-6789", SensitiveKind.UsSocialSecurityNumber)]
    [InlineData("NINOJG103759A", SensitiveKind.UkNationalInsuranceNumber)]
    [InlineData("ssn:123456789", SensitiveKind.UsSocialSecurityNumber)]
    [InlineData("SSN# 123456789", SensitiveKind.UsSocialSecurityNumber)]
    [InlineData("SS# 123456789.", SensitiveKind.UsSocialSecurityNumber)]
    [InlineData("Social Security Number 123456789", SensitiveKind.UsSocialSecurityNumber)]
    [InlineData("{\"social_security_no\": \"123456789\"}", SensitiveKind.UsSocialSecurityNumber)]
    [InlineData("ssn123456789", SensitiveKind.UsSocialSecurityNumber)]
    public void Detect_ChecksumValidInAnyLayout_Flagged(string text, SensitiveKind kind) =>
        Assert.Contains(kind, Kinds(text.Replace("\\n", "\n", StringComparison.Ordinal)));

    [Theory]
    [InlineData("She keeps 50 cards and gives the remaining ones away.")]
    [InlineData("x = 0.666666666666667 and y = 0.4111111111111111")]
    [InlineData("Total: 4500 + 3375 + 3000 + 1125 = 12000, and 4111 - 1111 - 1111 - 1111 = 789")]
    [InlineData("lock: sha512-3fae522181a9 and 7ab123-45-6789cd")]
    [InlineData("order 123456789 shipped; the ssn field is optional")]
    [InlineData("ssn: 1234567890123 is a tracking number")]
    public void Detect_ProseAndNumbersNearChecksumShapes_NotFlagged(string text) => Assert.Empty(Kinds(text));

    [Fact]
    public void Detect_PemPrivateKey_WholeBlock()
    {
        var text = "here:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----\nthanks";
        var span = Assert.Single(_detector.Detect(text));
        Assert.Equal(SensitiveKind.PrivateKey, span.Kind);
        Assert.EndsWith("-----END RSA PRIVATE KEY-----", text.Substring(span.Start, span.Length), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Janet's ducks lay 16 eggs per day and she sells them for $2 each.")]
    [InlineData("card 4111 1111 1111 1112 (bad Luhn)")]
    [InlineData("IBAN GB28 WEST 1234 5698 7654 32 (bad check digits)")]
    [InlineData("Statement 1 | Every group of order 42 has a normal subgroup of order 7.")]
    [InlineData("The year 1914 and the population 38,000,000 in 1880.")]
    [InlineData("Version 1.2.3 released; 3.14159 is pi; ratio 16:9.")]
    [InlineData("SSN 000-12-3456 and 666-12-3456 are never issued")]
    [InlineData("the tax id 12345678901 fails its check digit")]
    [InlineData("project nightingales sing (not the configured term as a whole word)")]
    [InlineData("See commit 3f786850e387550fdab836ed7e6dc881de23001b for details")]
    [InlineData("def compute_total_price_with_discount(items): return sum(items)")]
    [InlineData("Time 10:30:45 on 2024-05-01")]
    [InlineData("vitamin 25-dihydroxycholecalciferol levels")]
    [InlineData("the C++ idiom a::b::c and std::vector")]
    [InlineData("order number 001136 shipped")]
    [InlineData("request 550e8400-e29b-41d4-a716-446655440000 failed")]
    [InlineData("id 43EB9666-E741-C22D-1114-B6501D22A250 and 00684923-5171-4b2c-9d1e-0a1b2c3d4e5f")]
    [InlineData("pod payments-api-6xd8eyt4h-55xq3 restarted")]
    [InlineData("uploaded summary_XZ-D4nWSGayFHkYxwm8b0p.png")]
    [InlineData("/subscriptions/0229b51a-5eb6-5f0e-9b5a-dd4d4b8d15f2/resourceGroups/rg-events-prod/providers/Microsoft.Storage/storageAccounts/st7op2wux9i6")]
    [InlineData("edit src/Hearth.Routing/Sensitive/SensitiveDataDetector_42.cs")]
    [InlineData("the numbers 224 53 1900 277 sum up; 361 993 7000 1354 too")]
    [InlineData("commit ab2646658421233cd0 is in hex")]
    [InlineData("iban XX82WEST12345698765432 (no such country)")]
    public void Detect_Negative(string text) => Assert.Empty(Kinds(text));

    [Fact]
    public void Detect_IbanWithValidChecksum_UnknownCountryOrWrongLengthNotFlagged()
    {
        const string bban = "WEST12345698765432";
        var unknown = "QQ" + Checksums.IbanCheckDigits("QQ", bban) + bban;
        var shortGb = "GB" + Checksums.IbanCheckDigits("GB", bban[..^2]) + bban[..^2];
        var realGb = "GB" + Checksums.IbanCheckDigits("GB", bban) + bban;

        Assert.True(Checksums.IbanMod97(unknown) && Checksums.IbanMod97(shortGb));
        Assert.DoesNotContain(SensitiveKind.Iban, Kinds($"ref {unknown} end"));
        Assert.DoesNotContain(SensitiveKind.Iban, Kinds($"ref {shortGb} end"));
        Assert.Contains(SensitiveKind.Iban, Kinds($"ref {realGb.ToLowerInvariant()} end"));
    }

    [Fact]
    public void Detect_Placeholders_AreNotSensitive()
    {
        Assert.Empty(Kinds("secret = \"[[EMAIL_1]]\" and [[CARD_2]]"));
    }

    [Fact]
    public void Detect_OverlappingSpans_Merged()
    {
        var spans = _detector.Detect("api_key=sk-abcdefghijklmnopqrstuvwx1234 end");
        Assert.Single(spans);
    }

    [Fact]
    public void Detect_HostileInput_Bounded()
    {
        var text = new string('1', 200_000) + "@" + new string('a', 100_000);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        _ = _detector.Detect(text);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), sw.Elapsed.ToString());
    }

    [Theory]
    [InlineData("DE12 3456 ")]
    [InlineData("1 ")]
    [InlineData("4111.")]
    [InlineData("es36%20")]
    [InlineData("ab12 34 ")]
    public void Detect_HostileRepeatedIdentifierFragments_Bounded(string fragment)
    {
        // 500,000+ characters of fragments that start an IBAN, card, tax id or NINO candidate at every position; the text walks
        // read at most 34 characters (plus separators) per start. The bound is generous for a shared 2-core machine.
        var text = string.Concat(Enumerable.Repeat(fragment, 500_000 / fragment.Length + 1));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        _ = _detector.Detect(text);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), sw.Elapsed.ToString());
    }

    [Fact]
    public void Options_InvalidTerm_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SensitiveDataDetector(new SensitiveDataOptions { Terms = [" "] }));
    }
}

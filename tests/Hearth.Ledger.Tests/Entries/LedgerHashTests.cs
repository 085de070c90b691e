using Hearth.Ledger.Entries;

namespace Hearth.Ledger.Tests.Entries;

public class LedgerHashTests
{
    private static readonly LedgerEntry Fixed = Fixtures.Entry(1) with { EntryId = new Guid("0f8fad5b-d9cb-469f-a165-70867728950e") };

    [Fact]
    public void Compute_SameContent_SameHash_AnyFieldChange_DifferentHash()
    {
        var h = LedgerHash.Compute(Fixed, LedgerHash.Genesis);
        Assert.Equal(h, LedgerHash.Compute(Fixed with { }, LedgerHash.Genesis));
        Assert.Equal(64, h.Length);
        Assert.NotEqual(h, LedgerHash.Compute(Fixed with { EnergyWattHours = Fixed.EnergyWattHours + 1e-15 }, LedgerHash.Genesis));
        Assert.NotEqual(h, LedgerHash.Compute(Fixed with { Tenant = "acme " }, LedgerHash.Genesis));
        Assert.NotEqual(h, LedgerHash.Compute(Fixed with { SciGramsCo2ePer1kTokens = null }, LedgerHash.Genesis));
        Assert.NotEqual(h, LedgerHash.Compute(Fixed, new string('1', 64)));
        Assert.NotEqual(h, LedgerHash.Compute(Fixed, sequence: 2, LedgerHash.Genesis));
        // Length prefixes keep field boundaries: moving a character between adjacent strings changes the hash.
        Assert.NotEqual(
            LedgerHash.Compute(Fixed with { Route = "ab", Backend = "c" }, LedgerHash.Genesis),
            LedgerHash.Compute(Fixed with { Route = "a", Backend = "bc" }, LedgerHash.Genesis));
    }

    [Fact]
    public void Compute_SubMicrosecondTimestamp_HashesWholeMicroseconds()
    {
        var t = Fixed.Timestamp.AddTicks(7); // 700 ns: below the stored precision
        Assert.Equal(LedgerHash.Compute(Fixed, LedgerHash.Genesis), LedgerHash.Compute(Fixed with { Timestamp = t }, LedgerHash.Genesis));
    }

    [Fact]
    public void UnixMicroseconds_RoundTrip()
    {
        var t = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero).AddTicks(123_4560);
        Assert.Equal(t, LedgerHash.FromUnixMicroseconds(LedgerHash.ToUnixMicroseconds(t)));
    }
}

public class LedgerHashVersionTests
{
    private static readonly LedgerEntry Fixed = Fixtures.Entry(1) with { EntryId = new Guid("0f8fad5b-d9cb-469f-a165-70867728950e") };

    [Fact]
    public void Compute_Version2_ReasonPolicyOutcomeAreHashed()
    {
        var h = LedgerHash.Compute(Fixed, LedgerHash.Genesis);
        Assert.Equal(LedgerHash.CurrentEncodingVersion, Fixed.EncodingVersion);
        Assert.NotEqual(h, LedgerHash.Compute(Fixed with { Reason = "predictive: small" }, LedgerHash.Genesis));
        Assert.NotEqual(h, LedgerHash.Compute(Fixed with { Policy = "cascade" }, LedgerHash.Genesis));
        Assert.NotEqual(h, LedgerHash.Compute(Fixed with { Outcome = RequestOutcome.Cancelled }, LedgerHash.Genesis));
        Assert.NotEqual(
            LedgerHash.Compute(Fixed with { Reason = "ab", Policy = "c" }, LedgerHash.Genesis),
            LedgerHash.Compute(Fixed with { Reason = "a", Policy = "bc" }, LedgerHash.Genesis));
    }

    [Fact]
    public void Compute_Version1_DiffersFromVersion2AndIgnoresNothingItCannotCarry()
    {
        var v1 = Fixed with { EncodingVersion = 1 };
        Assert.NotEqual(LedgerHash.Compute(v1, LedgerHash.Genesis), LedgerHash.Compute(Fixed, LedgerHash.Genesis));
        // A version-1 entry with a reason was edited: its hash must not be the one of the same entry without it.
        Assert.NotEqual(LedgerHash.Compute(v1, LedgerHash.Genesis), LedgerHash.Compute(v1 with { Reason = "x" }, LedgerHash.Genesis));
        Assert.NotEqual(LedgerHash.Compute(v1, LedgerHash.Genesis), LedgerHash.Compute(v1 with { Outcome = RequestOutcome.Error }, LedgerHash.Genesis));
    }

    [Fact]
    public void Compute_UnknownVersion_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LedgerHash.Compute(Fixed with { EncodingVersion = 3 }, LedgerHash.Genesis));
    }
}

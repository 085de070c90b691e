using Hearth.Routing.Sensitive;

namespace Hearth.Routing.Tests.Sensitive;

public sealed class ChecksumsTests
{
    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("4111 1111 1111 1111", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("378282246310005", true)]
    [InlineData("5555555555554444", true)]
    [InlineData("0", false)]
    [InlineData("00", true)]
    [InlineData("", false)]
    public void Luhn_KnownNumbers(string number, bool valid) => Assert.Equal(valid, Checksums.Luhn(number));

    [Theory]
    [InlineData("GB82 WEST 1234 5698 7654 32", true)]
    [InlineData("GB82WEST12345698765432", true)]
    [InlineData("DE89370400440532013000", true)]
    [InlineData("DE89370400440532013001", false)]
    [InlineData("GB28WEST12345698765432", false)]
    [InlineData("FR1420041010050500013M02606", true)]
    [InlineData("gb82west12345698765432", true)]
    [InlineData("GB82", false)]
    [InlineData("1234WEST12345698765432", false)]
    [InlineData("GB82WEST1234569876543212345678901234567", false)]
    public void IbanMod97_KnownNumbers(string iban, bool valid) => Assert.Equal(valid, Checksums.IbanMod97(iban));

    [Fact]
    public void IbanCheckDigits_ReproducesKnownIban()
    {
        Assert.Equal("89", Checksums.IbanCheckDigits("DE", "370400440532013000"));
        Assert.Equal("82", Checksums.IbanCheckDigits("GB", "WEST12345698765432"));
    }

    [Theory]
    [InlineData("86095742719", true)]
    [InlineData("86095742718", false)]
    [InlineData("06095742719", false)]
    [InlineData("12345678901", false)]
    [InlineData("11111111111", false)]
    [InlineData("8609574271", false)]
    public void GermanTaxId_CheckDigitAndDigitRule(string id, bool valid) => Assert.Equal(valid, Checksums.GermanTaxId(id));
}

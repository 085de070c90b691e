namespace Hearth.Routing.Sensitive;

/// <summary>Check-digit algorithms that separate real identifiers from look-alike digit runs.</summary>
public static class Checksums
{
    /// <summary>Luhn (mod 10) over the digits of a payment card number; non-digits are ignored.</summary>
    public static bool Luhn(ReadOnlySpan<char> number)
    {
        int sum = 0, count = 0;
        bool doubleIt = false;
        for (int i = number.Length - 1; i >= 0; i--)
        {
            var c = number[i];
            if (c is < '0' or > '9')
            {
                continue;
            }
            int d = c - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
            count++;
        }
        return count >= 2 && sum % 10 == 0;
    }

    /// <summary>ISO 13616 IBAN check: move the first four characters to the end, letters → 10..35, the number mod 97 must be 1.</summary>
    public static bool IbanMod97(ReadOnlySpan<char> iban)
    {
        Span<char> compact = stackalloc char[34];
        int n = 0;
        foreach (var c in iban)
        {
            if (c == ' ')
            {
                continue;
            }
            if (n == 34 || !char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
            compact[n++] = char.ToUpperInvariant(c);
        }
        if (n < 15 || !char.IsAsciiLetterUpper(compact[0]) || !char.IsAsciiLetterUpper(compact[1]) || !char.IsAsciiDigit(compact[2]) || !char.IsAsciiDigit(compact[3]))
        {
            return false;
        }
        int remainder = 0;
        for (int k = 0; k < n; k++)
        {
            var c = compact[(k + 4) % n];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else
            {
                var v = c - 'A' + 10;
                remainder = ((remainder * 100) + v) % 97;
            }
        }
        return remainder == 1;
    }

    /// <summary>The two IBAN check digits for a country code and BBAN (for generating test data).</summary>
    public static string IbanCheckDigits(string countryCode, string bban)
    {
        ArgumentNullException.ThrowIfNull(countryCode);
        ArgumentNullException.ThrowIfNull(bban);
        var rearranged = bban + countryCode + "00";
        int remainder = 0;
        foreach (var c in rearranged)
        {
            remainder = char.IsAsciiDigit(c)
                ? ((remainder * 10) + (c - '0')) % 97
                : ((remainder * 100) + (char.ToUpperInvariant(c) - 'A' + 10)) % 97;
        }
        return (98 - remainder).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// German tax identification number (Steuerliche Identifikationsnummer): 11 digits, first not 0; in the first ten digits
    /// exactly one digit occurs twice or three times and the others at most once; the last digit is the ISO 7064 MOD 11,10 check digit.
    /// </summary>
    public static bool GermanTaxId(ReadOnlySpan<char> digits)
    {
        if (digits.Length != 11 || digits[0] == '0')
        {
            return false;
        }
        Span<int> counts = stackalloc int[10];
        for (int i = 0; i < 11; i++)
        {
            if (!char.IsAsciiDigit(digits[i]))
            {
                return false;
            }
            if (i < 10)
            {
                counts[digits[i] - '0']++;
            }
        }
        int repeated = 0;
        foreach (var c in counts)
        {
            if (c > 3)
            {
                return false;
            }
            if (c >= 2)
            {
                repeated++;
            }
        }
        return repeated == 1 && GermanTaxIdCheckDigit(digits[..10]) == digits[10] - '0';
    }

    /// <summary>ISO 7064 MOD 11,10 check digit over ten digits.</summary>
    public static int GermanTaxIdCheckDigit(ReadOnlySpan<char> tenDigits)
    {
        int product = 10;
        foreach (var c in tenDigits)
        {
            int sum = ((c - '0') + product) % 10;
            if (sum == 0)
            {
                sum = 10;
            }
            product = (sum * 2) % 11;
        }
        int check = 11 - product;
        return check == 10 ? 0 : check;
    }
}

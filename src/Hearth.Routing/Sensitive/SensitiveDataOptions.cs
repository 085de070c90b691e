namespace Hearth.Routing.Sensitive;

/// <summary>Settings of <see cref="SensitiveDataDetector"/>.</summary>
public sealed record SensitiveDataOptions
{
    /// <summary>Configured sensitive terms (client names, project code names), matched case-insensitively as whole words.</summary>
    public IReadOnlyList<string> Terms { get; init; } = [];

    /// <summary>Flag long random-looking tokens (mixed character classes, high entropy) as secrets.</summary>
    public bool DetectHighEntropyTokens { get; init; } = true;

    /// <summary>Shortest token considered by the high-entropy rule, in characters.</summary>
    public int MinSecretTokenChars { get; init; } = 24;

    /// <summary>Shannon entropy (bits per character) from which a long mixed token counts as a secret.</summary>
    public double MinSecretEntropyBitsPerChar { get; init; } = 3.6;

    /// <summary>Throws <see cref="ArgumentException"/> for out-of-range settings.</summary>
    public void Validate()
    {
        if (MinSecretTokenChars is < 12 or > 256)
        {
            throw new ArgumentException($"MinSecretTokenChars {MinSecretTokenChars} must be in 12..256.");
        }
        if (MinSecretEntropyBitsPerChar is < 2 or > 6)
        {
            throw new ArgumentException($"MinSecretEntropyBitsPerChar {MinSecretEntropyBitsPerChar} must be in 2..6.");
        }
        foreach (var t in Terms)
        {
            if (string.IsNullOrWhiteSpace(t))
            {
                throw new ArgumentException("Sensitive terms must not be empty.");
            }
        }
    }
}

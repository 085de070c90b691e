namespace Hearth.Inference.Engine;

/// <summary>
/// How the next token is chosen from the logits. Applied in this order: repetition, presence and frequency penalties over the
/// last <see cref="PenaltyWindowTokens"/> tokens; the JSON constraint mask (if any); then greedy argmax when
/// <see cref="Temperature"/> is 0, otherwise top-k, temperature, softmax, top-p, min-p and a draw from the seeded generator.
/// </summary>
public sealed record SamplingOptions
{
    /// <summary>Greedy decoding: always the most likely token.</summary>
    public static SamplingOptions Greedy { get; } = new() { Temperature = 0f };

    /// <summary>Softmax temperature; 0 selects greedy argmax. Must be in [0, 100].</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Keep only the K most likely tokens; 0 disables.</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus sampling: keep the smallest set of most likely tokens whose probability sum reaches P; 1 disables.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Drop tokens whose probability is below MinP times the most likely token's; 0 disables.</summary>
    public float MinP { get; init; }

    /// <summary>CTRL-style repetition penalty: a positive logit of a recent token is divided by it, a negative one multiplied; 1 disables.</summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>OpenAI-style: subtracted once from the logit of every token present in the window.</summary>
    public float PresencePenalty { get; init; }

    /// <summary>OpenAI-style: subtracted from a token's logit once per occurrence in the window.</summary>
    public float FrequencyPenalty { get; init; }

    /// <summary>How many of the most recent tokens (prompt and output) the penalties look at.</summary>
    public int PenaltyWindowTokens { get; init; } = 64;

    /// <summary>Seed of the sampler's own generator; the same seed, prompt and options give the same output. Null draws a random seed.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first out-of-range option.</summary>
    public void Validate()
    {
        if (!(Temperature >= 0f && Temperature <= 100f))
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Temperature must be between 0 and 100.");
        }
        if (TopK < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "TopK must be 0 (disabled) or positive.");
        }
        if (!(TopP > 0f && TopP <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "TopP must be in (0, 1].");
        }
        if (!(MinP >= 0f && MinP <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(MinP), MinP, "MinP must be in [0, 1].");
        }
        if (!(RepetitionPenalty > 0f && RepetitionPenalty <= 10f))
        {
            throw new ArgumentOutOfRangeException(nameof(RepetitionPenalty), RepetitionPenalty, "RepetitionPenalty must be in (0, 10].");
        }
        if (!(PresencePenalty >= -2f && PresencePenalty <= 2f))
        {
            throw new ArgumentOutOfRangeException(nameof(PresencePenalty), PresencePenalty, "PresencePenalty must be in [-2, 2].");
        }
        if (!(FrequencyPenalty >= -2f && FrequencyPenalty <= 2f))
        {
            throw new ArgumentOutOfRangeException(nameof(FrequencyPenalty), FrequencyPenalty, "FrequencyPenalty must be in [-2, 2].");
        }
        if (PenaltyWindowTokens < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(PenaltyWindowTokens), PenaltyWindowTokens, "PenaltyWindowTokens must not be negative.");
        }
    }
}

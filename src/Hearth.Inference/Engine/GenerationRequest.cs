namespace Hearth.Inference.Engine;

/// <summary>Shape of the output the sampler must produce.</summary>
public enum OutputFormat
{
    /// <summary>Free text.</summary>
    Text,

    /// <summary>One JSON object (OpenAI <c>response_format: json_object</c>): tokens that would make the output invalid JSON are masked.</summary>
    JsonObject,
}

/// <summary>One generation: prompt tokens, sampling, budget and stops.</summary>
public sealed record GenerationRequest
{
    /// <summary>The prompt, already tokenized (with BOS if the model wants one). Must not be empty.</summary>
    public required IReadOnlyList<int> PromptTokens { get; init; }

    public SamplingOptions Sampling { get; init; } = new();

    /// <summary>Most tokens to generate (the end-of-generation token counts).</summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>Generation ends before any of these strings; the stop string itself is not emitted.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>How many most likely alternatives to report per step (0–20).</summary>
    public int TopLogProbs { get; init; }

    public OutputFormat Format { get; init; } = OutputFormat.Text;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate(int vocabularySize)
    {
        if (PromptTokens.Count == 0)
        {
            throw new ArgumentException("The prompt has no tokens; start from the BOS token at least.", nameof(PromptTokens));
        }
        foreach (var id in PromptTokens)
        {
            if ((uint)id >= (uint)vocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(PromptTokens), id, $"Prompt token id {id} is outside the vocabulary of {vocabularySize}.");
            }
        }
        if (MaxTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "MaxTokens must be at least 1.");
        }
        if (TopLogProbs is < 0 or > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(TopLogProbs), TopLogProbs, "TopLogProbs must be between 0 and 20.");
        }
        if (StopStrings.Count > 16 || StopStrings.Any(s => s is null || s.Length > 256))
        {
            throw new ArgumentException("At most 16 stop strings of at most 256 characters each.", nameof(StopStrings));
        }
        Sampling.Validate();
    }
}

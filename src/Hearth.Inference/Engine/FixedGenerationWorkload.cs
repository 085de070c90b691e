using Hearth.Inference.Engine.Sampling;
using Hearth.Inference.Models;
using Hearth.Inference.Tokenizers;

namespace Hearth.Inference.Engine;

/// <summary>
/// A fixed amount of engine work for energy calibration: the prompt goes through the model (in the engine's prefill
/// batches), then exactly <see cref="GenerateTokens"/> greedy decode steps follow. End-of-generation tokens do not stop it,
/// so every run (and every model) does the same token counts. Each run takes a fresh KV cache and runs its forward steps
/// under the model's lock on thread-pool threads, as <see cref="LoadedModel.GenerateAsync"/> does for a request.
/// </summary>
public sealed class FixedGenerationWorkload
{
    private readonly LoadedModel _model;
    private readonly int[] _prompt;

    /// <exception cref="ArgumentException">The prompt is empty or holds ids outside the vocabulary, or the count is not positive.</exception>
    /// <exception cref="ContextOverflowException">Prompt + generated tokens do not fit the model's context window.</exception>
    public FixedGenerationWorkload(LoadedModel model, IReadOnlyList<int> promptTokens, int generateTokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(promptTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(generateTokens, 1);
        new GenerationRequest { PromptTokens = promptTokens, MaxTokens = generateTokens }.Validate(model.Hyperparameters.VocabularySize);
        // The last generated token is never fed back, so the window holds prompt + generated − 1 positions.
        if (promptTokens.Count + generateTokens - 1 > model.Info.ContextLength)
        {
            throw new ContextOverflowException(promptTokens.Count + generateTokens - 1, model.Info.ContextLength);
        }
        _model = model;
        _prompt = [.. promptTokens];
        GenerateTokens = generateTokens;
    }

    public int PromptTokens => _prompt.Length;

    public int GenerateTokens { get; }

    /// <summary>
    /// Exactly <paramref name="count"/> prompt tokens from <paramref name="text"/>: BOS first when the model wants one, then the
    /// text's tokens, repeated or cut to length (so the same text gives every model the same prompt length).
    /// </summary>
    public static int[] PromptFromText(ITokenizer tokenizer, string text, int count)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentException.ThrowIfNullOrEmpty(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var body = tokenizer.Encode(text);
        if (body.Length == 0)
        {
            throw new ArgumentException("The calibration text encodes to no tokens.", nameof(text));
        }
        var prompt = new int[count];
        var at = 0;
        if (tokenizer.AddBosByDefault && tokenizer.BosTokenId >= 0)
        {
            prompt[at++] = tokenizer.BosTokenId;
        }
        for (var i = 0; at < count; i++)
        {
            prompt[at++] = body[i % body.Length];
        }
        return prompt;
    }

    /// <summary>
    /// One run: prefill, then <see cref="GenerateTokens"/> greedy steps; returns the generated ids. Cancellation is checked
    /// before every step. Like the engine benchmark it drives the transformer directly (not through the step scheduler), so
    /// the model must not serve other sequences meanwhile.
    /// </summary>
    public Task<int[]> RunAsync(CancellationToken cancellationToken) => Task.Run(() => Run(cancellationToken), cancellationToken);

    private int[] Run(CancellationToken cancellationToken)
    {
        var cache = _model.CreateCache(_prompt.Length + GenerateTokens - 1);
        var logits = new float[_model.Hyperparameters.VocabularySize];
        var generated = new int[GenerateTokens];
        cancellationToken.ThrowIfCancellationRequested();
        _model.ForwardUnlocked(_prompt, cache, logits, default);
        var next = new int[1];
        for (var i = 0; ; i++)
        {
            generated[i] = Sampler.ArgMax(logits);
            if (i == GenerateTokens - 1)
            {
                return generated;   // as in a request, the last token is chosen but not fed back
            }
            cancellationToken.ThrowIfCancellationRequested();
            next[0] = generated[i];
            _model.ForwardUnlocked(next, cache, logits, default);
        }
    }
}

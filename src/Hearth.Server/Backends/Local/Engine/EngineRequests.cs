using Hearth.Inference.Engine;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Backends.Local.Engine;

/// <summary><see cref="ChatOptions"/> → the engine's <see cref="GenerationRequest"/> (same defaults as <see cref="LocalChatClient"/>).</summary>
internal static class EngineRequests
{
    public static GenerationRequest Create(LoadedModel model, int[] prompt, ChatOptions? options)
    {
        var topLogprobs = options?.AdditionalProperties?.TryGetValue(HearthChatProperties.TopLogprobs, out var v) == true && v is int n ? n : 0;
        return new GenerationRequest
        {
            PromptTokens = prompt,
            MaxTokens = options?.MaxOutputTokens ?? Math.Max(1, model.Info.ContextLength - prompt.Length),
            StopStrings = [.. options?.StopSequences ?? []],
            TopLogProbs = topLogprobs,
            Format = options?.ResponseFormat is ChatResponseFormatJson ? OutputFormat.JsonObject : OutputFormat.Text,
            Sampling = new SamplingOptions
            {
                Temperature = options?.Temperature ?? 1f,
                TopP = options?.TopP ?? 1f,
                TopK = options?.TopK ?? 0,
                Seed = options?.Seed is long seed ? unchecked((ulong)seed) : null,
                FrequencyPenalty = options?.FrequencyPenalty ?? 0f,
                PresencePenalty = options?.PresencePenalty ?? 0f,
            },
        };
    }
}

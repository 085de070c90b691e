using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Hearth.Inference.Engine;

/// <summary>
/// Hearth's local engine as an <see cref="IChatClient"/>. Messages are rendered with the model's chat template (ChatML when it
/// has none), tokenized with special tokens parsed, and generated with <see cref="LoadedModel.GenerateAsync"/>.
/// </summary>
/// <remarks>
/// Options: Temperature (default 1; 0 = greedy), TopP, TopK, Seed, MaxOutputTokens (default: the rest of the context window),
/// StopSequences, FrequencyPenalty, PresencePenalty, ResponseFormat (JSON → one JSON object, syntax enforced by masking; a
/// schema is not enforced). Tools are not supported (tool definitions are ignored). Additional option
/// <see cref="TopLogProbsOptionKey"/> (int 0–20) asks for alternatives. Results carry usage (input/output tokens), the finish
/// reason and, under <see cref="LogProbsKey"/> in AdditionalProperties, an <c>IReadOnlyList&lt;TokenLogProbs&gt;</c> (one per
/// emitted token; natural logs of the raw model distribution). The final usage also carries, in
/// <see cref="UsageDetails.AdditionalCounts"/> under <see cref="CpuMicrosecondsKey"/>, the CPU time the engine spent on the
/// request (its token share of every batched forward step plus its sampling; see <see cref="GeneratedToken.CpuSeconds"/>),
/// in microseconds, when per-thread CPU clocks are available. Thread-safe; does not own the model (disposing the client
/// leaves the model loaded).
/// </remarks>
public sealed class LocalChatClient : IChatClient
{
    /// <summary>AdditionalProperties key of the per-token log-probabilities in responses and streaming updates.</summary>
    public const string LogProbsKey = "hearth.logprobs";

    /// <summary>ChatOptions.AdditionalProperties key (int) for how many alternatives to report per token.</summary>
    public const string TopLogProbsOptionKey = "hearth.top_logprobs";

    /// <summary>
    /// <see cref="UsageDetails.AdditionalCounts"/> key of the request's engine CPU time in microseconds (the ledger's
    /// <c>MeteringChatClient</c> reads the same key).
    /// </summary>
    public const string CpuMicrosecondsKey = "hearth.cpu_microseconds";

    private readonly LoadedModel _model;
    private readonly ChatClientMetadata _metadata;

    public LocalChatClient(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _metadata = new ChatClientMetadata("hearth-local", providerUri: null, defaultModelId: model.Info.Id);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
        }
        var response = updates.ToChatResponse();
        var logProbs = updates
            .Where(u => u.AdditionalProperties?.ContainsKey(LogProbsKey) == true)
            .SelectMany(u => (IReadOnlyList<TokenLogProbs>)u.AdditionalProperties![LogProbsKey]!)
            .ToArray();
        response.AdditionalProperties ??= [];
        response.AdditionalProperties[LogProbsKey] = logProbs;
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (prompt, fallback) = ChatPromptBuilder.Build(_model, messages, options, cancellationToken);
        var request = ToRequest(prompt, options, fallback);
        ReportInputTokens(options, prompt.Length);
        var responseId = "hearth-" + Guid.NewGuid().ToString("N")[..16];
        var created = DateTimeOffset.UtcNow;
        var output = 0;
        await foreach (var token in _model.GenerateAsync(request, cancellationToken).ConfigureAwait(false))
        {
            output++;
            var update = new ChatResponseUpdate(ChatRole.Assistant, token.Text)
            {
                ResponseId = responseId,
                MessageId = responseId,
                ModelId = _model.Info.Id,
                CreatedAt = created,
                AdditionalProperties = new AdditionalPropertiesDictionary
                {
                    [LogProbsKey] = new[] { new TokenLogProbs(new TokenLogProb(token.TokenId, token.TokenText, token.LogProbability), token.TopAlternatives) },
                },
            };
            if (token.FinishReason is { } reason)
            {
                update.FinishReason = reason == FinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop;
                update.Contents.Add(new UsageContent(Usage(prompt.Length, output, token.CpuSeconds)));
            }
            yield return update;
        }
    }

    /// <summary>
    /// Request option key of an <see cref="Action{T}"/> of <see cref="long"/> told the prompt's token count once it is
    /// tokenized (the ledger's metering stage sets it, so a cancelled request still records its tokens in).
    /// </summary>
    public const string InputTokensObserverKey = "hearth.input_tokens_observer";

    /// <summary>Tells the <see cref="InputTokensObserverKey"/> observer, when the options carry one, how many prompt tokens there are.</summary>
    public static void ReportInputTokens(ChatOptions? options, int promptTokens)
    {
        if (options?.AdditionalProperties?.TryGetValue(InputTokensObserverKey, out var o) == true && o is Action<long> observe)
        {
            observe(promptTokens);
        }
    }

    /// <summary>The usage of a finished generation, with the engine CPU time under <see cref="CpuMicrosecondsKey"/> when known.</summary>
    public static UsageDetails Usage(int inputTokens, int outputTokens, double? cpuSeconds)
    {
        var usage = new UsageDetails
        {
            InputTokenCount = inputTokens,
            OutputTokenCount = outputTokens,
            TotalTokenCount = inputTokens + outputTokens,
        };
        if (cpuSeconds is { } cpu && cpu >= 0)
        {
            usage.AdditionalCounts = new() { [CpuMicrosecondsKey] = (long)Math.Round(cpu * 1e6) };
        }
        return usage;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }
        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }
        if (serviceType == typeof(LoadedModel))
        {
            return _model;
        }
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
        // The model is owned by whoever loaded it.
    }

    internal GenerationRequest ToRequest(int[] prompt, ChatOptions? options, bool chatMlFallback)
    {
        var stops = new List<string>(options?.StopSequences ?? []);
        if (chatMlFallback)
        {
            stops.Add(ChatPromptBuilder.ChatMlEndOfTurn);
        }
        var topLogProbs = 0;
        if (options?.AdditionalProperties?.TryGetValue(TopLogProbsOptionKey, out var value) == true)
        {
            topLogProbs = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
        }
        var remaining = Math.Max(1, _model.Info.ContextLength - prompt.Length);
        return new GenerationRequest
        {
            PromptTokens = prompt,
            MaxTokens = options?.MaxOutputTokens is int max ? max : remaining,
            StopStrings = stops,
            TopLogProbs = topLogProbs,
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

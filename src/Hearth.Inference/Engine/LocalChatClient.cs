using System.Runtime.CompilerServices;
using Hearth.Contracts;
using Hearth.Inference.Models;
using Microsoft.Extensions.AI;

namespace Hearth.Inference.Engine;

/// <summary>
/// Hearth's local engine as an <see cref="IChatClient"/>: chat, raw prompts and tool calling over one <see cref="LoadedModel"/>,
/// with token log-probabilities on request and typed errors.
/// </summary>
/// <remarks>
/// <para>Prompts. Messages are rendered with the model's chat template (ChatML when it has none, with <c>&lt;|im_end|&gt;</c> as
/// an extra stop string) and tokenized with special tokens parsed. When the options say <see cref="RequestContext.IsRawPrompt"/>
/// the messages' text is the prompt itself, tokenized without a template. With <see cref="ChatOptions.Tools"/> (and a tool
/// mode other than none) the tools are rendered through the template and the output parsed for calls (see
/// <c>LocalChatClient.Tools.cs</c>).</para>
/// <para>Options: Temperature (default 1; 0 = greedy), TopP, TopK, Seed, MaxOutputTokens (default: the rest of the context
/// window), StopSequences, FrequencyPenalty, PresencePenalty, ResponseFormat (JSON → one JSON object, syntax enforced by
/// masking; a schema is not enforced), Tools, ToolMode, AllowMultipleToolCalls, and <see cref="RequestContext.GetLogProbsRequest(ChatOptions?)"/>.</para>
/// <para>Results. Updates carry the model id, a response id, the finish reason and, on the last one, a <see cref="UsageContent"/>
/// with input/output tokens and the engine CPU time (<see cref="RequestContext.GetEngineCpuTime"/>: the request's token share
/// of every batched forward step plus its sampling, when per-thread CPU clocks are available). When log-probabilities are asked
/// for, each update (and the whole response) carries <see cref="RequestContext.GetTokenLogProbs(ChatResponseUpdate?)"/>: one
/// <see cref="TokenLogProb"/> per generated token, natural logs of the raw model distribution, named by the token's own text.
/// The prompt's token count goes to <see cref="RequestContext.ReportPromptTokens"/> as soon as it is tokenized.</para>
/// <para>Errors: a <see cref="HearthRequestException"/> for anything the request got wrong — a prompt that cannot fit the context
/// window (<c>context_length_exceeded</c>, checked on the messages' bytes and a prefix before rendering, then exactly), a template
/// that rejects or overruns on the messages (<c>template_error</c>, <c>template_limit_exceeded</c>), tools on a model without a
/// tool-call syntax (<c>tools_unsupported</c>), a <c>tool_choice</c> naming an unknown function, an invalid option value.</para>
/// <para>Thread-safe; does not own the model (disposing the client leaves the model loaded).</para>
/// </remarks>
public sealed partial class LocalChatClient : IChatClient
{
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
        response.AdditionalProperties = null;
        if (options.GetLogProbsRequest() is not null)
        {
            response.SetTokenLogProbs([.. updates.SelectMany(u => u.GetTokenLogProbs() ?? [])]);
        }
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IList<ChatMessage> ?? [.. messages];
        IAsyncEnumerable<ChatResponseUpdate> source;
        try
        {
            EnsurePromptFits(list);
            source = options?.Tools is { Count: > 0 } && options.ToolMode is not NoneChatToolMode
                ? ToolCallingAsync(list, options, cancellationToken)
                : options.IsRawPrompt()
                    ? RawPromptAsync(string.Concat(list.Select(m => m.Text)), options, cancellationToken)
                    : ChatAsync(list, options, cancellationToken);
        }
        catch (Exception e) when (RequestError(e) is { } request)
        {
            throw request;
        }
        await using var updates = source.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await updates.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (Exception e) when (RequestError(e) is { } request)
            {
                throw request;
            }
            yield return updates.Current;
        }
    }

    /// <summary>
    /// Refuses messages whose text alone cannot fit the context window before the template renders them and the tokenizer
    /// runs over all of it: first on their byte length, then on a prefix as long as the context allows
    /// (<see cref="LoadedModel.EnsurePromptFits"/>). The rendered prompt holds all these texts, so both bounds apply; prompts that
    /// pass are tokenized in full and checked exactly when generation starts.
    /// </summary>
    private void EnsurePromptFits(IList<ChatMessage> messages)
    {
        var texts = new List<string>();
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is TextContent text)
                {
                    texts.Add(text.Text);
                }
            }
        }
        try
        {
            _model.EnsurePromptFits(texts, parseSpecialTokens: true);
        }
        catch (ContextOverflowException e)
        {
            throw LocalChatErrors.MessagesTooLong(e);
        }
    }

    private IAsyncEnumerable<ChatResponseUpdate> ChatAsync(IList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var (prompt, fallback) = ChatPromptBuilder.Build(_model, messages, options, cancellationToken);
        return GenerateAsync(ToRequest(prompt, options, fallback), options, cancellationToken);
    }

    /// <summary>The text as the whole prompt: no template, BOS when the model wants one (BOS alone for an empty text).</summary>
    private IAsyncEnumerable<ChatResponseUpdate> RawPromptAsync(string prompt, ChatOptions? options, CancellationToken cancellationToken)
    {
        var tokenizer = _model.Tokenizer;
        var tokens = tokenizer.Encode(prompt, addBos: tokenizer.AddBosByDefault && tokenizer.BosTokenId >= 0);
        if (tokens.Length == 0 && tokenizer.BosTokenId >= 0)
        {
            tokens = [tokenizer.BosTokenId];
        }
        return GenerateAsync(ToRequest(tokens, options, chatMlFallback: false), options, cancellationToken);
    }

    /// <summary>One update per generated token; the last carries the finish reason and the usage.</summary>
    private async IAsyncEnumerable<ChatResponseUpdate> GenerateAsync(GenerationRequest request, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var promptTokens = request.PromptTokens.Count;
        options.ReportPromptTokens(promptTokens);
        var logProbs = options.GetLogProbsRequest() is not null;
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
            };
            if (logProbs)
            {
                update.SetTokenLogProbs([new TokenLogProb(token.TokenText, token.LogProbability, token.TopAlternatives, token.TokenId)]);
            }
            if (token.FinishReason is { } reason)
            {
                update.FinishReason = reason == FinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop;
                update.Contents.Add(new UsageContent(Usage(promptTokens, output, token.CpuSeconds)));
            }
            yield return update;
        }
    }

    /// <summary>The usage of a finished generation, with the engine CPU time when known.</summary>
    private static UsageDetails Usage(int inputTokens, int outputTokens, double? cpuSeconds)
    {
        var usage = new UsageDetails
        {
            InputTokenCount = inputTokens,
            OutputTokenCount = outputTokens,
            TotalTokenCount = inputTokens + outputTokens,
        };
        if (cpuSeconds is { } cpu && cpu >= 0)
        {
            usage.SetEngineCpuTime(TimeSpan.FromMicroseconds(Math.Round(cpu * 1e6)));
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

    /// <summary><see cref="HearthRequestException"/> for a failure the request caused, or null for the rest.</summary>
    private HearthRequestException? RequestError(Exception e) => e switch
    {
        HearthRequestException => null,   // already typed: rethrown as it is
        ContextOverflowException overflow => LocalChatErrors.PromptTooLong(overflow),
        _ => LocalChatErrors.FromTemplateOrArgument(_model.Info.Id, e),
    };

    internal GenerationRequest ToRequest(int[] prompt, ChatOptions? options, bool chatMlFallback)
    {
        var stops = new List<string>(options?.StopSequences ?? []);
        if (chatMlFallback)
        {
            stops.Add(ChatPromptBuilder.ChatMlEndOfTurn);
        }
        var remaining = Math.Max(1, _model.Info.ContextLength - prompt.Length);
        return new GenerationRequest
        {
            PromptTokens = prompt,
            MaxTokens = options?.MaxOutputTokens is int max ? max : remaining,
            StopStrings = stops,
            TopLogProbs = options.GetLogProbsRequest()?.TopAlternatives ?? 0,
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

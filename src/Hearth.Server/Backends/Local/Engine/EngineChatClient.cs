using System.Runtime.CompilerServices;
using System.Text;
using Hearth.Inference.Engine;
using Hearth.Inference.Templates;
using Hearth.Server.Errors;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Backends.Local.Engine;

/// <summary>
/// The server's chat client over a local model. Plain chat goes through the engine's <see cref="LocalChatClient"/>; this class adds
/// what the HTTP API needs on top: raw prompts (<c>/v1/completions</c>, Ollama <c>raw</c>), tool calling through the chat template
/// and <see cref="ToolCallParser"/>, OpenAI-shaped log-probabilities, and typed errors (context overflow → 400 with token counts).
/// </summary>
internal sealed class EngineChatClient(LoadedModel model) : IChatClient
{
    private readonly LocalChatClient _chat = new(model);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
        }
        var response = updates.ToChatResponse();
        var logprobs = updates.Select(u => u.AdditionalProperties?.TryGetValue(HearthChatProperties.LogprobsResult, out var v) == true ? v as IReadOnlyList<TokenLogprob> : null)
            .Where(l => l is not null).SelectMany(l => l!).ToList();
        response.AdditionalProperties = null;
        if (WantsLogprobs(options))
        {
            response.AdditionalProperties = new() { [HearthChatProperties.LogprobsResult] = logprobs };
        }
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        EnsurePromptFits(list);
        IAsyncEnumerable<ChatResponseUpdate> source;
        if (options?.Tools is { Count: > 0 } && options.ToolMode is not NoneChatToolMode)
        {
            source = ToolCallingAsync(list, options, cancellationToken);
        }
        else if (options?.AdditionalProperties?.TryGetValue(HearthChatProperties.RawPrompt, out var raw) == true && raw is true)
        {
            source = RawPromptAsync(string.Concat(list.Select(m => m.Text)), options, cancellationToken);
        }
        else
        {
            source = _chat.GetStreamingResponseAsync(list, options, cancellationToken);
        }
        var wantsLogprobs = WantsLogprobs(options);
        await using var e = source.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (ContextOverflowException ex)
            {
                throw new ContextLengthExceededApiException(ex.PromptTokens, ex.ContextTokens, ex);
            }
            catch (TemplateLimitExceededException ex)
            {
                throw new ApiException(422, "invalid_request_error",
                    $"The chat template of '{model.Info.Id}' exceeded its render budget on these messages: {ex.Message}", "messages", "template_limit_exceeded", ex);
            }
            catch (TemplateRaisedException ex)
            {
                throw new ApiException(400, "invalid_request_error", $"The chat template of '{model.Info.Id}' rejected the messages: {ex.Message}", "messages", "template_error", ex);
            }
            catch (TemplateException ex)
            {
                throw new ApiException(400, "invalid_request_error", $"The chat template of '{model.Info.Id}' failed on these messages: {ex.Message}", "messages", "template_error", ex);
            }
            catch (ArgumentException ex)
            {
                throw new ApiException(400, "invalid_request_error", ArgumentMessages.Text(ex), ex.ParamName, "invalid_parameter", ex);
            }
            yield return Convert(e.Current, wantsLogprobs);
        }
    }

    /// <summary>
    /// Refuses messages whose text alone cannot fit the context window, before the template renders them and the tokenizer runs
    /// over all of it (an 8 MB prompt used to cost seconds of CPU and a rendered and tokenized copy before the same 400): first on
    /// their byte length, then on a prefix as long as the context allows (<see cref="LoadedModel.EnsurePromptFits"/>). The
    /// rendered prompt holds all these texts, so both bounds apply; prompts that pass are tokenized in full and checked exactly.
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
            model.EnsurePromptFits(texts, parseSpecialTokens: true);
        }
        catch (ContextOverflowException e)
        {
            throw new ApiException(400, "invalid_request_error",
                $"This model's maximum context length is {e.ContextTokens} tokens, but the messages are {e.PromptBytes:N0} bytes, at least {e.PromptTokens:N0} tokens. Shorten the messages.",
                "messages", "context_length_exceeded", e);
        }
    }

    private static bool WantsLogprobs(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(HearthChatProperties.Logprobs, out var v) == true && v is true;

    /// <summary>Engine log-probabilities (under the engine's key) → <see cref="TokenLogprob"/> under <see cref="HearthChatProperties.LogprobsResult"/>.</summary>
    private static ChatResponseUpdate Convert(ChatResponseUpdate update, bool wantsLogprobs)
    {
        var engine = update.AdditionalProperties?.TryGetValue(LocalChatClient.LogProbsKey, out var v) == true ? v as IReadOnlyList<TokenLogProbs> : null;
        update.AdditionalProperties?.Remove(LocalChatClient.LogProbsKey);
        if (wantsLogprobs && engine is not null)
        {
            (update.AdditionalProperties ??= [])[HearthChatProperties.LogprobsResult] = engine
                .Select(t => new TokenLogprob(t.Token.Text, t.Token.LogProbability,
                    [.. t.TopAlternatives.Select(a => new TokenLogprob(a.Text, a.LogProbability, []))]))
                .ToList();
        }
        return update;
    }

    private async IAsyncEnumerable<ChatResponseUpdate> RawPromptAsync(string prompt, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var tokenizer = model.Tokenizer;
        var tokens = tokenizer.Encode(prompt, addBos: tokenizer.AddBosByDefault && tokenizer.BosTokenId >= 0);
        if (tokens.Length == 0 && tokenizer.BosTokenId >= 0)
        {
            tokens = [tokenizer.BosTokenId];
        }
        await foreach (var update in GenerateAsync(tokens, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private async IAsyncEnumerable<ChatResponseUpdate> GenerateAsync(int[] prompt, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = EngineRequests.Create(model, prompt, options);
        LocalChatClient.ReportInputTokens(options, prompt.Length);
        var id = "hearth-" + Guid.NewGuid().ToString("N")[..16];
        var output = 0;
        await foreach (var token in model.GenerateAsync(request, cancellationToken).ConfigureAwait(false))
        {
            output++;
            var update = new ChatResponseUpdate(ChatRole.Assistant, token.Text)
            {
                ResponseId = id, ModelId = model.Info.Id,
                AdditionalProperties = new()
                {
                    [LocalChatClient.LogProbsKey] = new[] { new TokenLogProbs(new Inference.Engine.TokenLogProb(token.TokenId, token.TokenText, token.LogProbability), token.TopAlternatives) },
                },
            };
            if (token.FinishReason is { } reason)
            {
                update.FinishReason = reason == FinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop;
                update.Contents.Add(new UsageContent(LocalChatClient.Usage(prompt.Length, output, token.CpuSeconds)));
            }
            yield return update;
        }
    }

    /// <summary>
    /// Tools: rendered through the model's chat template (which must define a tool-call syntax Hearth parses — Hermes/Qwen
    /// <c>&lt;tool_call&gt;</c> or Llama 3.x JSON), generated in full, then parsed; the result is one update (text and/or calls).
    /// <c>tool_choice</c> is honoured by prefilling the answer: a named function (or <c>required</c> with a single tool) starts
    /// the answer with the call's opening (<c>&lt;tool_call&gt;{"name": "f", "arguments": </c>) and generates the arguments under the
    /// JSON-object constraint, so the call is always well-formed; <c>required</c> with several tools prefills the opening up to the
    /// name and lets the model choose. <c>parallel_tool_calls: false</c> keeps the first call.
    /// </summary>
    private async IAsyncEnumerable<ChatResponseUpdate> ToolCallingAsync(IList<ChatMessage> messages, ChatOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var template = model.ChatTemplate;
        var format = template is null ? ToolCallFormat.None : ToolCallFormats.Detect(template.Source);
        if (template is null || format == ToolCallFormat.None)
        {
            throw new ApiException(400, "invalid_request_error",
                $"Model '{model.Info.Id}' has no chat template with a tool-call syntax Hearth can parse (Hermes/Qwen <tool_call> or Llama 3.x JSON), so 'tools' cannot be used with it. Remove 'tools' or use a model served by an upstream.",
                "tools", "tools_unsupported");
        }
        var forced = ForcedToolCall.For(options, format);
        var prompt = ToolPrompt.Render(model, template, messages, options, cancellationToken);
        var generationOptions = options;
        if (forced is not null)
        {
            prompt = [.. prompt, .. model.Tokenizer.Encode(forced.Opening, addBos: false, parseSpecialTokens: true)];
            if (forced.ArgumentsConstrained)
            {
                generationOptions = options.Clone();
                generationOptions.ResponseFormat = ChatResponseFormat.Json;
            }
        }
        var text = new StringBuilder(forced?.Opening);
        ChatResponseUpdate? last = null;
        var logprobs = new List<TokenLogProbs>();
        await foreach (var update in GenerateAsync(prompt, generationOptions, cancellationToken).ConfigureAwait(false))
        {
            text.Append(update.Text);
            if (update.AdditionalProperties?[LocalChatClient.LogProbsKey] is IReadOnlyList<TokenLogProbs> lp) { logprobs.AddRange(lp); }
            last = update;
        }
        text.Append(forced?.Closing);
        var parsed = ToolCallParser.Parse(text.ToString(), format);
        var result = new ChatResponseUpdate { Role = ChatRole.Assistant, ResponseId = last?.ResponseId, ModelId = model.Info.Id };
        if (parsed.Status == ToolCallParseStatus.ToolCalls)
        {
            if (parsed.Content.Length > 0) { result.Contents.Add(new TextContent(parsed.Content)); }
            var calls = options.AllowMultipleToolCalls == false ? parsed.ToolCalls.Take(1).ToList() : parsed.ToolCalls;
            for (var i = 0; i < calls.Count; i++)
            {
                var call = calls[i];
                var content = OpenAi.OpenAiMessageMapping.ToFunctionCall(call.Id, call.Name, call.ArgumentsJson);
                content.AdditionalProperties![HearthChatProperties.ToolCallIndex] = i;
                result.Contents.Add(content);
            }
            result.FinishReason = ChatFinishReason.ToolCalls;
        }
        else
        {
            result.Contents.Add(new TextContent(text.ToString()));
            result.FinishReason = last?.FinishReason ?? ChatFinishReason.Stop;
        }
        foreach (var usage in last?.Contents.OfType<UsageContent>() ?? [])
        {
            result.Contents.Add(usage);
        }
        result.AdditionalProperties = new() { [LocalChatClient.LogProbsKey] = logprobs };
        yield return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _chat.GetService(serviceType, serviceKey);

    public void Dispose() => _chat.Dispose();
}

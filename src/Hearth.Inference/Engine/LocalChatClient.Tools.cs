using System.Runtime.CompilerServices;
using System.Text;
using Hearth.Contracts;
using Hearth.Inference.Engine.Tools;
using Hearth.Inference.Templates;
using Microsoft.Extensions.AI;

namespace Hearth.Inference.Engine;

public sealed partial class LocalChatClient
{
    /// <summary>
    /// Tools: rendered through the model's chat template (which must define a tool-call syntax Hearth parses — Hermes/Qwen
    /// <c>&lt;tool_call&gt;</c> or Llama 3.x JSON), generated in full, then parsed; the result is one update (text and/or calls,
    /// each call's raw arguments and position in <see cref="RequestContext.GetToolCallWire"/>).
    /// <c>tool_choice</c> is honoured by prefilling the answer: a named function (or <c>required</c> with a single tool) starts
    /// the answer with the call's opening (<c>&lt;tool_call&gt;{"name": "f", "arguments": </c>) and generates the arguments under the
    /// JSON-object constraint, so the call is always well-formed; <c>required</c> with several tools prefills the opening up to the
    /// name and lets the model choose. <see cref="ChatOptions.AllowMultipleToolCalls"/> false keeps the first call.
    /// </summary>
    private async IAsyncEnumerable<ChatResponseUpdate> ToolCallingAsync(IList<ChatMessage> messages, ChatOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var template = _model.ChatTemplate;
        var format = template is null ? ToolCallFormat.None : ToolCallFormats.Detect(template.Source);
        if (template is null || format == ToolCallFormat.None)
        {
            throw new HearthRequestException(RequestErrorKind.InvalidRequest,
                $"Model '{_model.Info.Id}' has no chat template with a tool-call syntax Hearth can parse (Hermes/Qwen <tool_call> or Llama 3.x JSON), so 'tools' cannot be used with it. Remove 'tools' or use a model served by an upstream.",
                "tools", "tools_unsupported");
        }
        var forced = ForcedToolCall.For(options, format);
        var prompt = ToolPrompt.Render(_model, template, messages, options, cancellationToken);
        var generationOptions = options;
        if (forced is not null)
        {
            prompt = [.. prompt, .. _model.Tokenizer.Encode(forced.Opening, addBos: false, parseSpecialTokens: true)];
            if (forced.ArgumentsConstrained)
            {
                generationOptions = options.Clone();
                generationOptions.ResponseFormat = ChatResponseFormat.Json;
            }
        }
        var text = new StringBuilder(forced?.Opening);
        ChatResponseUpdate? last = null;
        var logProbs = new List<TokenLogProb>();
        await foreach (var update in GenerateAsync(ToRequest(prompt, generationOptions, chatMlFallback: false), generationOptions, cancellationToken).ConfigureAwait(false))
        {
            text.Append(update.Text);
            logProbs.AddRange(update.GetTokenLogProbs() ?? []);
            last = update;
        }
        text.Append(forced?.Closing);
        var parsed = ToolCallParser.Parse(text.ToString(), format);
        var result = new ChatResponseUpdate { Role = ChatRole.Assistant, ResponseId = last?.ResponseId, ModelId = _model.Info.Id };
        if (parsed.Status == ToolCallParseStatus.ToolCalls)
        {
            if (parsed.Content.Length > 0)
            {
                result.Contents.Add(new TextContent(parsed.Content));
            }
            var calls = options.AllowMultipleToolCalls == false ? parsed.ToolCalls.Take(1).ToList() : parsed.ToolCalls;
            for (var i = 0; i < calls.Count; i++)
            {
                result.Contents.Add(ToolCallArguments.ToFunctionCall(calls[i].Id, calls[i].Name, calls[i].ArgumentsJson, index: i));
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
        if (options.GetLogProbsRequest() is not null)
        {
            result.SetTokenLogProbs(logProbs);
        }
        yield return result;
    }
}

using System.Globalization;
using Hearth.Contracts;
using Hearth.Inference.Models;
using Hearth.Inference.Templates;

namespace Hearth.Inference.Engine;

/// <summary>
/// The <see cref="HearthRequestException"/>s of <see cref="LocalChatClient"/>: what the request got wrong, in words a client can
/// act on, with the request field at fault and a stable code.
/// </summary>
internal static class LocalChatErrors
{
    /// <summary>The tokenized prompt does not fit the context window (found when generation starts).</summary>
    public static HearthRequestException PromptTooLong(ContextOverflowException e) => new(RequestErrorKind.InvalidRequest,
        string.Create(CultureInfo.InvariantCulture,
            $"This model's maximum context length is {e.ContextTokens} tokens, but the request needs {e.PromptTokens} tokens. Shorten the messages or lower max_tokens."),
        "messages", "context_length_exceeded", e);

    /// <summary>The messages' text alone cannot fit (found on their bytes or a prefix, before rendering and tokenizing).</summary>
    public static HearthRequestException MessagesTooLong(ContextOverflowException e) => new(RequestErrorKind.InvalidRequest,
        string.Create(CultureInfo.InvariantCulture,
            $"This model's maximum context length is {e.ContextTokens} tokens, but the messages are {e.PromptBytes:N0} bytes, at least {e.PromptTokens:N0} tokens. Shorten the messages."),
        "messages", "context_length_exceeded", e);

    /// <summary>A template failure or an invalid option value as a request error; null for anything else.</summary>
    public static HearthRequestException? FromTemplateOrArgument(string modelId, Exception e) => e switch
    {
        TemplateLimitExceededException limit => new(RequestErrorKind.Unprocessable,
            $"The chat template of '{modelId}' exceeded its render budget on these messages: {limit.Message}", "messages", "template_limit_exceeded", e),
        TemplateRaisedException raised => new(RequestErrorKind.InvalidRequest,
            $"The chat template of '{modelId}' rejected the messages: {raised.Message}", "messages", "template_error", e),
        TemplateException template => new(RequestErrorKind.InvalidRequest,
            $"The chat template of '{modelId}' failed on these messages: {template.Message}", "messages", "template_error", e),
        ArgumentException argument => new(RequestErrorKind.InvalidRequest, ArgumentMessages.Text(argument), argument.ParamName, "invalid_parameter", e),
        _ => null,
    };
}

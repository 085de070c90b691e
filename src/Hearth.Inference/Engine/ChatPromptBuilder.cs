using System.Text;
using Hearth.Inference.Templates;
using Microsoft.Extensions.AI;

namespace Hearth.Inference.Engine;

/// <summary>
/// Renders chat messages into prompt tokens with the model's chat template, or with ChatML
/// (<c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> … <c>&lt;|im_start|&gt;assistant\n</c>) when the model has none.
/// </summary>
internal static class ChatPromptBuilder
{
    /// <summary>The ChatML end-of-turn marker, added as a stop string when the fallback is used.</summary>
    public const string ChatMlEndOfTurn = "<|im_end|>";

    public static (int[] Tokens, bool UsedFallback) Build(LoadedModel model, IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var list = new List<TemplateMessage>();
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            list.Add(new TemplateMessage("system", options.Instructions));
        }
        foreach (var m in messages)
        {
            list.Add(new TemplateMessage(m.Role.Value, m.Text));
        }
        var tokenizer = model.Tokenizer;
        var bos = tokenizer.BosTokenId >= 0 ? tokenizer.TokenText(tokenizer.BosTokenId) : string.Empty;
        var eos = tokenizer.EosTokenId >= 0 ? tokenizer.TokenText(tokenizer.EosTokenId) : string.Empty;
        string text;
        var fallback = model.ChatTemplate is null;
        if (fallback)
        {
            text = RenderChatMl(list);
        }
        else
        {
            text = model.ChatTemplate!.Render(new ChatTemplateInput(list, AddGenerationPrompt: true, bos, eos), cancellationToken);
        }
        // Templates usually write the BOS token themselves; add it only when the model wants one and the text lacks it.
        var addBos = tokenizer.AddBosByDefault && tokenizer.BosTokenId >= 0 && !(bos.Length > 0 && text.StartsWith(bos, StringComparison.Ordinal));
        return (tokenizer.Encode(text, addBos, parseSpecialTokens: true), fallback);
    }

    internal static string RenderChatMl(IReadOnlyList<TemplateMessage> messages)
    {
        var sb = new StringBuilder();
        foreach (var m in messages)
        {
            sb.Append("<|im_start|>").Append(m.Role).Append('\n').Append(m.Content).Append(ChatMlEndOfTurn).Append('\n');
        }
        return sb.Append("<|im_start|>assistant\n").ToString();
    }
}

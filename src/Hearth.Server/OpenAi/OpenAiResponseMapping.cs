using Hearth.Contracts;
using Hearth.Server.OpenAi.Wire;
using ToolCallWire = Hearth.Server.OpenAi.Wire.ToolCallWire;
using Microsoft.Extensions.AI;

namespace Hearth.Server.OpenAi;

/// <summary><see cref="ChatResponse"/>/<see cref="ChatResponseUpdate"/> ↔ OpenAI completion and chunk bodies.</summary>
public static class OpenAiResponseMapping
{
    public static ChatCompletionResponse ToWire(ChatResponse response, string model, string id, long created) => new()
    {
        Id = id,
        Created = created,
        Model = model,
        Choices =
        [
            new ChatChoiceWire
            {
                Index = 0,
                Message = OpenAiMessageMapping.ToAssistantWire(response.Messages),
                FinishReason = OpenAiMessageMapping.FinishReason(response.FinishReason) ?? "stop",
                Logprobs = ToWire(response.GetTokenLogProbs()),
            },
        ],
        Usage = ToWire(response.Usage),
    };

    public static UsageWire? ToWire(UsageDetails? usage) => usage is null ? null : new UsageWire
    {
        PromptTokens = (int)(usage.InputTokenCount ?? 0),
        CompletionTokens = (int)(usage.OutputTokenCount ?? 0),
        TotalTokens = (int)(usage.TotalTokenCount ?? (usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0)),
    };

    public static LogprobsWire? ToWire(IReadOnlyList<TokenLogProb>? logProbs) => logProbs is null ? null : new LogprobsWire
    {
        Content = [.. logProbs.Select(t => new TokenLogprobWire
        {
            Token = t.Text, Logprob = t.LogProb, Bytes = Bytes(t.Text),
            TopLogprobs = [.. t.TopAlternatives.Select(a => new TopLogprobWire { Token = a.Text, Logprob = a.LogProb, Bytes = Bytes(a.Text) })],
        })],
    };

    private static List<int> Bytes(string token) => [.. System.Text.Encoding.UTF8.GetBytes(token).Select(b => (int)b)];

    /// <summary>An upstream's OpenAI log-probabilities as <see cref="TokenLogProb"/>s (token ids unknown).</summary>
    public static IReadOnlyList<TokenLogProb>? FromWire(LogprobsWire? wire) =>
        wire?.Content is null ? null :
        [.. wire.Content.Select(t => new TokenLogProb(t.Token, t.Logprob,
            [.. (t.TopLogprobs ?? []).Select(a => new TokenLogProb(a.Token, a.Logprob))]))];

    public static ChatResponse FromWire(ChatCompletionResponse wire)
    {
        var choice = wire.Choices.Count > 0 ? wire.Choices[0] : null;
        var messages = choice?.Message is { } m
            ? OpenAiMessageMapping.ToChatMessages([new ChatMessageWire { Role = m.Role ?? "assistant", Content = m.Content, ToolCalls = m.ToolCalls }], "choices[0].message")
            : [new ChatMessage(ChatRole.Assistant, "")];
        var response = new ChatResponse(messages)
        {
            ResponseId = wire.Id,
            ModelId = wire.Model,
            CreatedAt = wire.Created > 0 ? DateTimeOffset.FromUnixTimeSeconds(wire.Created) : null,
            FinishReason = OpenAiMessageMapping.ToFinishReason(choice?.FinishReason),
            Usage = FromWire(wire.Usage),
        };
        if (FromWire(choice?.Logprobs) is { } lp)
        {
            response.SetTokenLogProbs(lp);
        }
        return response;
    }

    public static UsageDetails? FromWire(UsageWire? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.PromptTokens,
        OutputTokenCount = usage.CompletionTokens,
        TotalTokenCount = usage.TotalTokens,
    };

    /// <summary>One streamed chunk → one update (text delta, tool-call deltas, finish reason, usage).</summary>
    public static ChatResponseUpdate FromWire(ChatCompletionChunk chunk)
    {
        var update = new ChatResponseUpdate
        {
            ResponseId = chunk.Id,
            ModelId = chunk.Model,
            CreatedAt = chunk.Created > 0 ? DateTimeOffset.FromUnixTimeSeconds(chunk.Created) : null,
        };
        var choice = chunk.Choices.Count > 0 ? chunk.Choices[0] : null;
        if (choice?.Delta is { } delta)
        {
            if (delta.Role is "assistant") { update.Role = ChatRole.Assistant; }
            if (!string.IsNullOrEmpty(delta.Content)) { update.Contents.Add(new TextContent(delta.Content)); }
            if (delta.ToolCalls is { } calls)
            {
                foreach (var call in calls)
                {
                    // Streamed tool calls arrive as fragments; the raw fragment and its index are kept for re-emission.
                    var content = new FunctionCallContent(call.Id ?? "", call.Function?.Name ?? "");
                    content.SetToolCallWire(new Hearth.Contracts.ToolCallWire(call.Function?.Arguments ?? "", call.Index ?? 0));
                    update.Contents.Add(content);
                }
            }
        }
        update.FinishReason = OpenAiMessageMapping.ToFinishReason(choice?.FinishReason);
        if (FromWire(choice?.Logprobs) is { } lp)
        {
            update.SetTokenLogProbs(lp);
        }
        if (FromWire(chunk.Usage) is { } usage)
        {
            update.Contents.Add(new UsageContent(usage));
        }
        return update;
    }

    /// <summary>The delta chunk for an update (without usage; usage goes in its own final chunk).</summary>
    public static ChatCompletionChunk ToChunk(ChatResponseUpdate update, string model, string id, long created, bool first)
    {
        var delta = new ChatMessageWire { Role = first ? "assistant" : null };
        string? text = null;
        var toolIndex = 0;
        foreach (var c in update.Contents)
        {
            if (c is TextContent t)
            {
                text = text is null ? t.Text : text + t.Text;
            }
            else if (c is FunctionCallContent call)
            {
                var index = call.GetToolCallWire()?.Index ?? toolIndex;
                toolIndex++;
                (delta.ToolCalls ??= []).Add(new ToolCallWire
                {
                    Index = index,
                    Id = string.IsNullOrEmpty(call.CallId) ? null : call.CallId,
                    Type = string.IsNullOrEmpty(call.CallId) ? null : "function",
                    Function = new FunctionCallWire { Name = string.IsNullOrEmpty(call.Name) ? null : call.Name, Arguments = OpenAiMessageMapping.ArgumentsJson(call) },
                });
            }
        }
        delta.Content = text ?? (first && delta.ToolCalls is null ? "" : null);
        return new ChatCompletionChunk
        {
            Id = id,
            Created = created,
            Model = model,
            Choices =
            [
                new ChatChoiceWire
                {
                    Index = 0, Delta = delta,
                    FinishReason = OpenAiMessageMapping.FinishReason(update.FinishReason),
                    Logprobs = ToWire(update.GetTokenLogProbs()),
                },
            ],
        };
    }
}

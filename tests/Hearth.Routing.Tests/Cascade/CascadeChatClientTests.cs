using Hearth.Contracts;
using Hearth.Routing.Cascade;
using Hearth.Routing.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Tests.Cascade;

public sealed class CascadeChatClientTests
{
    [Fact]
    public async Task GetResponse_SmallAccepted_LargeNeverCalled()
    {
        var small = new FakeChatClient(_ => "Paris");
        var large = new FakeChatClient(_ => "Paris, France");
        var r = await new CascadeChatClient(small, large, new CascadeVerifier(), "phi", "gpt").GetResponseAsync([new ChatMessage(ChatRole.User, "Capital of France?")]);
        Assert.Equal("Paris", r.Text);
        Assert.Equal("phi", r.GetRoutingOutcome()?.Backend);
        Assert.Equal(0, large.Calls);
    }

    [Fact]
    public async Task GetResponse_SmallRejected_OriginalRequestResentToLarge()
    {
        var small = new FakeChatClient(_ => "As an AI language model I cannot answer.");
        var large = new FakeChatClient(m => "large saw: " + m[^1].Text);
        var r = await new CascadeChatClient(small, large, new CascadeVerifier(), "phi", "gpt").GetResponseAsync([new ChatMessage(ChatRole.User, "Capital of France?")]);
        Assert.Equal("large saw: Capital of France?", r.Text);
        Assert.Equal("gpt", r.GetRoutingOutcome()?.Backend);
        Assert.Contains("escalated (refusal phrase)", r.GetRoutingOutcome()!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponse_NoLargeAllowed_SmallKeptWithReason()
    {
        var small = new FakeChatClient(_ => "I'm sorry, but I can't help with that.");
        var r = await new CascadeChatClient(small, null, new CascadeVerifier(), "phi").GetResponseAsync([new ChatMessage(ChatRole.User, "x")]);
        Assert.Equal("phi", r.GetRoutingOutcome()?.Backend);
        Assert.Contains("not allowed", r.GetRoutingOutcome()!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_BufferedUntilVerified_OnlyChosenAnswerStreamed()
    {
        var small = new FakeChatClient(_ => "I'm sorry, but I can't help with that.");
        var large = new FakeChatClient(_ => "42");
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in new CascadeChatClient(small, large, new CascadeVerifier()).GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "x")]))
        {
            updates.Add(u);
        }
        Assert.Equal("42", updates.ToChatResponse().Text);
        Assert.DoesNotContain(updates, u => u.Text.Contains("sorry", StringComparison.Ordinal));
    }
}

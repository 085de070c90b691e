#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK; Hearth supports it.
using System.ClientModel;
using Hearth.Benchmarks.Gateway;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using OpenAI.Chat;

namespace Hearth.Server.Tests.OpenAi;

/// <summary>The OpenAI SDK against node A, which proxies to node B (a second real Hearth server), which proxies to the fixed upstream.</summary>
public sealed class UpstreamChatTests
{
    [Fact]
    public async Task CompleteChat_ThroughTwoNodes_ReturnsUpstreamTextAndUsage()
    {
        using var homeA = new TempDir();
        using var homeB = new TempDir();
        await using var chain = await TestNodes.StartChainAsync(homeA, homeB);
        var chat = TestNodes.OpenAiClient(chain.A).GetChatClient("chain");

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Say hello")],
            new ChatCompletionOptions { Temperature = 0.2f, MaxOutputTokenCount = 32, Seed = 7 });

        Assert.Equal(FixedResponseUpstream.ReplyText, completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("chain", completion.Model);
        Assert.Equal(12, completion.Usage.InputTokenCount);
        Assert.Equal(7, completion.Usage.OutputTokenCount);
        Assert.Equal(1, chain.Fixed.Requests);
    }

    [Fact]
    public async Task CompleteChatStreaming_ThroughTwoNodes_StreamsDeltasThenUsage()
    {
        using var homeA = new TempDir();
        using var homeB = new TempDir();
        await using var chain = await TestNodes.StartChainAsync(homeA, homeB);
        var chat = TestNodes.OpenAiClient(chain.A).GetChatClient("chain");

        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        var updates = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Say hello")],
            new ChatCompletionOptions { }))
        {
            updates++;
            foreach (var part in update.ContentUpdate) { text.Append(part.Text); }
            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal("Hello from the fixed upstream.", text.ToString());
        Assert.True(updates >= 3, $"expected several chunks, got {updates}");
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(19, usage!.TotalTokenCount);
    }

    [Fact]
    public async Task CompleteChat_UnknownModel_Returns404ListingModels()
    {
        using var homeA = new TempDir();
        using var homeB = new TempDir();
        await using var chain = await TestNodes.StartChainAsync(homeA, homeB);
        var chat = TestNodes.OpenAiClient(chain.A).GetChatClient("no-such-model");

        var e = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(404, e.Status);
        Assert.Contains("chain", e.Message, StringComparison.Ordinal);
        Assert.Contains("model_not_found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteChat_UpstreamDown_Returns502ThenCircuitOpens503()
    {
        using var home = new TempDir();
        // A port nothing listens on: a socket bound to it but never listening refuses connections, and holding it for the
        // whole test keeps a parallel test from taking the port (binding, releasing, then relying on it would race).
        using var dead = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        dead.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var deadPort = ((System.Net.IPEndPoint)dead.LocalEndPoint!).Port;
        var upstream = TestNodes.Upstream("dead", new Uri($"http://127.0.0.1:{deadPort}/"), "ghost") with
        {
            MaxRetries = 0, BreakerMinimumThroughput = 2, BreakDurationSeconds = 30,
        };
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home, upstream));
        var chat = TestNodes.OpenAiClient(node).GetChatClient("ghost");

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var e = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")]));
            statuses.Add(e.Status);
        }

        Assert.Equal(502, statuses[0]);
        Assert.Equal(503, statuses[^1]);
    }
}

using Hearth.Contracts;
using System.Text.Json;
using Hearth.Routing.Cascade;
using Hearth.Routing.Policies;
using Hearth.Routing.Sensitive;
using Hearth.Routing.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Tests.Sensitive;

public sealed class ResidencyChatClientTests
{
    private readonly FakeChatClient _remote = new(m => "remote: " + m[^1].Text);
    private readonly FakeChatClient _local = new(_ => "local answer");
    private readonly SensitiveDataDetector _detector = new();

    private ResidencyChatClient Client(ResidencyMode mode, bool withLocal = true, params string[] confidentialKeys) =>
        new(_remote, "gpt", () => withLocal ? new LocalBackend("phi", _local) : null, _detector, mode, new HashSet<string>(confidentialKeys));

    private static ChatOptions WithTool(string description)
    {
        using var schema = JsonDocument.Parse("{\"type\":\"object\",\"properties\":{}}");
        return new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("lookup", description, schema.RootElement.Clone())] };
    }

    [Fact]
    public async Task GetResponse_CleanRequest_GoesRemoteUntagged()
    {
        var r = await Client(ResidencyMode.KeepLocal).GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]);

        Assert.Equal("remote: hello", r.Text);
        Assert.Null(r.GetRoutingOutcome()?.Backend);
    }

    [Fact]
    public async Task GetResponse_SensitiveKeepLocal_AnsweredLocallyWithRouteAndReason()
    {
        var r = await Client(ResidencyMode.KeepLocal).GetResponseAsync([new ChatMessage(ChatRole.User, "mail bob@example.org")]);

        Assert.Equal("local answer", r.Text);
        Assert.Equal("phi", r.GetRoutingOutcome()?.Backend);
        Assert.Equal("residency: sensitive data (Email): kept local on 'phi' instead of 'gpt'", r.GetRoutingOutcome()?.Reason);
        Assert.Equal(0, _remote.Calls);
    }

    [Fact]
    public async Task GetResponse_ConfidentialKeyNoLocal_RefusedWithoutCallingRemote()
    {
        var options = Requests.With(new RequestFacts { ApiKeyId = "k1" });

        var e = await Assert.ThrowsAsync<ResidencyRefusedException>(() => Client(ResidencyMode.RedactAndEscalate, withLocal: false, "k1")
            .GetResponseAsync([new ChatMessage(ChatRole.User, "hello")], options));

        Assert.Contains("declared confidential", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, _remote.Calls);
    }

    [Fact]
    public async Task GetResponse_RedactWithSecretOnlyInToolDescription_KeptLocalNotRedacted()
    {
        var r = await Client(ResidencyMode.RedactAndEscalate).GetResponseAsync([new ChatMessage(ChatRole.User, "weather?")],
            WithTool("auth with password=hunter2hunter2"));

        Assert.Equal("phi", r.GetRoutingOutcome()?.Backend);
        Assert.Contains("in tools, schema or stop sequences", r.GetRoutingOutcome()!.Reason, StringComparison.Ordinal);
        Assert.Equal(0, _remote.Calls);
    }

    [Fact]
    public async Task GetResponse_RedactSensitiveInstructions_PlaceholderSentAndAnswerRestored()
    {
        ChatOptions? seen = null;
        var remote = new CapturingChatClient(o => seen = o);
        var client = new ResidencyChatClient(remote, "gpt", () => null, _detector, ResidencyMode.RedactAndEscalate);

        var r = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { Instructions = "Sign as ann@example.org" });

        Assert.Equal("Sign as [[EMAIL_1]]", seen!.Instructions);
        Assert.Equal("gpt", r.GetRoutingOutcome()?.Backend);
        Assert.Contains("redacted", r.GetRoutingOutcome()!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_SensitiveKeepLocal_FirstUpdateCarriesRouteAndReason()
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in Client(ResidencyMode.KeepLocal).GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "ssn 123-45-6789")]))
        {
            updates.Add(u);
        }

        Assert.Equal("phi", updates[0].GetRoutingOutcome()?.Backend);
        Assert.Equal(0, _remote.Calls);
    }

    [Fact]
    public async Task Guard_SensitiveDataInResponseFormatSchema_Blocked()
    {
        using var schema = JsonDocument.Parse("{\"type\":\"object\",\"description\":\"for card 4111 1111 1111 1111\"}");
        var guard = new ResidencyGuardChatClient(_remote, _detector, "gpt");

        await Assert.ThrowsAsync<ResidencyRefusedException>(() => guard.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")],
            new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "x") }));

        Assert.Equal(1, guard.BlockedCount);
        Assert.Equal(0, _remote.Calls);
    }

    [Fact]
    public async Task CascadeStreaming_ReplayedAnswer_FirstUpdateCarriesRouteAndReason()
    {
        var cascade = new CascadeChatClient(new FakeChatClient(_ => "four"), null, new CascadeVerifier(), "phi", "gpt");
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in cascade.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "2+2?")]))
        {
            updates.Add(u);
        }

        Assert.Equal("phi", updates[0].GetRoutingOutcome()?.Backend);
        Assert.StartsWith("cascade: accepted", updates[0].GetRoutingOutcome()!.Reason, StringComparison.Ordinal);
        Assert.Equal("four", updates.ToChatResponse().Text);
    }

    private sealed class CapturingChatClient(Action<ChatOptions?> capture) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            capture(options);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var u in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
            {
                yield return u;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

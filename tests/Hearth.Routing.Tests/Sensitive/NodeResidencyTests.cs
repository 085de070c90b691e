using Hearth.Contracts;
using Hearth.Routing.Policies;
using Hearth.Routing.Sensitive;
using Hearth.Routing.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Tests.Sensitive;

public sealed class NodeResidencyTests
{
    private static readonly ChatMessage[] s_sensitive = [new ChatMessage(ChatRole.User, "mail bob@example.org")];
    private static readonly ChatMessage[] s_clean = [new ChatMessage(ChatRole.User, "hello")];

    [Fact]
    public void LocalFallback_NoRoutingSection_LargestLocalFile()
    {
        var host = new FakeRoutingBackends().Local("small", 100).Local("large", 900).Local("mid", 500);

        var fallback = new NodeResidency(null, host).LocalFallback();

        Assert.Equal("large", fallback?.Name);
        Assert.Same(host.Client("large"), fallback?.Client);
    }

    [Fact]
    public void LocalFallback_FileShadowedByUpstreamAlias_Skipped()
    {
        var host = new FakeRoutingBackends().Local("small", 100).Local("gpt", 900).Remote("gpt");

        Assert.Equal("small", new NodeResidency(null, host).LocalFallback()?.Name);
    }

    [Fact]
    public void LocalFallback_ConfiguredLocalBackends_LargestTierWinsOverLargerFile()
    {
        var host = new FakeRoutingBackends().Local("tiny", 100).Local("mid", 500).Local("huge", 9000);
        var routing = new RoutingOptions
        {
            Backends = [new BackendOptions("tiny", ModelTier.Small, true), new BackendOptions("mid", ModelTier.Large, true), new BackendOptions("missing", ModelTier.Large, true)],
        };

        Assert.Equal("mid", new NodeResidency(routing, host).LocalFallback()?.Name);
    }

    [Fact]
    public void LocalFallback_NoLocalModel_Null()
    {
        Assert.Null(new NodeResidency(null, new FakeRoutingBackends().Remote("gpt")).LocalFallback());
    }

    [Fact]
    public async Task UseResidencyEntry_SensitiveRequest_AnsweredByLocalFallbackWithOutcome()
    {
        var host = new FakeRoutingBackends().Local("phi", 100).Remote("gpt");
        var remote = new FakeChatClient(_ => "remote answer");
        var client = new ChatClientBuilder(remote).UseResidencyEntry(new NodeResidency(null, host), "gpt").Build();

        var response = await client.GetResponseAsync(s_sensitive);

        Assert.Equal("answer of phi", response.Text);
        Assert.Equal("phi", response.GetRoutingOutcome()?.Backend);
        Assert.Contains("kept local on 'phi' instead of 'gpt'", response.GetRoutingOutcome()?.Reason, StringComparison.Ordinal);
        Assert.Equal(0, remote.Calls);
    }

    [Fact]
    public async Task UseResidencyEntry_CleanRequest_GoesRemote()
    {
        var host = new FakeRoutingBackends().Local("phi", 100).Remote("gpt");
        var remote = new FakeChatClient(_ => "remote answer");
        var client = new ChatClientBuilder(remote).UseResidencyEntry(new NodeResidency(null, host), "gpt").Build();

        var response = await client.GetResponseAsync(s_clean);

        Assert.Equal("remote answer", response.Text);
        Assert.Equal(1, remote.Calls);
        Assert.Equal(0, host.Client("phi").Calls);
    }

    [Fact]
    public async Task UseResidencyEntry_SensitiveNoLocalModel_RefusedAsTypedRequestError()
    {
        var remote = new FakeChatClient(_ => "remote answer");
        var client = new ChatClientBuilder(remote).UseResidencyEntry(new NodeResidency(null, new FakeRoutingBackends().Remote("gpt")), "gpt").Build();

        var e = await Assert.ThrowsAsync<ResidencyRefusedException>(() => client.GetResponseAsync(s_sensitive));

        Assert.Equal(RequestErrorKind.Refused, e.Kind);
        Assert.Equal("residency_refused", e.Code);
        Assert.Null(e.Param);
        Assert.Equal(0, remote.Calls);
    }

    [Fact]
    public async Task UseResidencyGuard_ConfidentialKey_RefusedBeforeSending()
    {
        var routing = new RoutingOptions { ConfidentialApiKeys = new HashSet<string>(StringComparer.Ordinal) { "k1" } };
        var remote = new FakeChatClient(_ => "remote answer");
        var client = new ChatClientBuilder(remote).UseResidencyGuard(new NodeResidency(routing, new FakeRoutingBackends()), "gpt").Build();

        var e = await Assert.ThrowsAsync<ResidencyRefusedException>(() => client.GetResponseAsync(s_clean, Requests.With(new RequestFacts { ApiKeyId = "k1" })));

        Assert.Equal(RequestErrorKind.Refused, e.Kind);
        Assert.Contains("'gpt'", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, remote.Calls);
    }

    [Fact]
    public async Task UseResidencyGuard_CleanRequest_Sent()
    {
        var remote = new FakeChatClient(_ => "remote answer");
        var client = new ChatClientBuilder(remote).UseResidencyGuard(new NodeResidency(null, new FakeRoutingBackends()), "gpt").Build();

        Assert.Equal("remote answer", (await client.GetResponseAsync(s_clean)).Text);
        Assert.Equal(1, remote.Calls);
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Tests.Pipeline;

/// <summary>
/// Where the setup's chat stages sit in a node's pipeline: in the order added, below the route stamp (they see the model id
/// the backend expects) and above the residency guard (nothing they add leaves the node unscanned). A real node in front of
/// a recording upstream that serves <c>gpt</c> under the alias <c>mine</c>.
/// </summary>
public sealed class NodePipelineTests
{
    private static StringContent Chat(string content) => new(
        JsonSerializer.Serialize(new { model = "mine", messages = new[] { new { role = "user", content } }, max_tokens = 4 }), Encoding.UTF8, "application/json");

    [Fact]
    public async Task ChatStages_TwoAdded_RunInOrderBelowTheRouteStamp()
    {
        using var home = new TempDir("hearth-pipeline-");
        await using var upstream = await RecordingUpstream.StartAsync();
        var seen = new List<(string Stage, string? ModelId)>();
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home, TestNodes.Upstream("cloud", upstream.BaseAddress, "mine=" + RecordingUpstream.ModelId)),
            setup =>
            {
                setup.ChatStages.Add((builder, _) => builder.Use(inner => new Spy(inner, "first", seen)));
                setup.ChatStages.Add((builder, _) => builder.Use(inner => new Spy(inner, "second", seen)));
            });
        using var http = new HttpClient { BaseAddress = node.BaseAddress };

        using var response = await http.PostAsync("v1/chat/completions", Chat("Once upon a time"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([("first", RecordingUpstream.ModelId), ("second", RecordingUpstream.ModelId)], seen);
        Assert.Single(upstream.Bodies);
    }

    [Fact]
    public async Task ChatStages_StageAddsSensitiveData_TheGuardBelowRefusesAndNothingLeaves()
    {
        using var home = new TempDir("hearth-pipeline-");
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home, TestNodes.Upstream("cloud", upstream.BaseAddress, "mine=" + RecordingUpstream.ModelId)),
            setup => setup.ChatStages.Add((builder, _) => builder.Use(inner => new Appender(inner, " Mail jane.doe@example.org"))));
        using var http = new HttpClient { BaseAddress = node.BaseAddress };

        using var response = await http.PostAsync("v1/chat/completions", Chat("Once upon a time"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("jane.doe", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(upstream.Bodies);
    }

    /// <summary>Records its name and the model id it was asked for.</summary>
    private sealed class Spy(IChatClient inner, string name, List<(string, string?)> seen) : DelegatingChatClient(inner)
    {
        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            lock (seen)
            {
                seen.Add((name, options?.ModelId));
            }
            return base.GetResponseAsync(messages, options, cancellationToken);
        }
    }

    /// <summary>Appends text to the last message before passing the request on.</summary>
    private sealed class Appender(IChatClient inner, string suffix) : DelegatingChatClient(inner)
    {
        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            list[^1] = new ChatMessage(list[^1].Role, list[^1].Text + suffix);
            return base.GetResponseAsync(list, options, cancellationToken);
        }
    }
}

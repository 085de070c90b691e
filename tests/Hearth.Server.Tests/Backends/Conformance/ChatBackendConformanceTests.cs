using System.Diagnostics;
using System.Text;
using Hearth.Server.Errors;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Tests.Backends.Conformance;

/// <summary>
/// What every chat backend a node serves through must do, checked on the bare <see cref="IChatClient"/> (no node pipeline
/// around it): answers with usage, streams that add up to the answer, cancellation, stop sequences, the output-token cap,
/// tool calls, typed refusals and model ids. Every test runs greedy (temperature 0), so a backend's streamed and non-streamed
/// answers to one request are the same text.
/// </summary>
/// <remarks>
/// A backend's test class (local engine, upstream, a future peer) derives from this one, usually with a class fixture that
/// starts the backend once, and provides:
/// <list type="bullet">
/// <item><see cref="Backend"/>: the client under test, as the node builds it (<see cref="Hearth.Server.Backends.ModelBackends"/>
/// without a pipeline), serving a model whose chat template has a tool-call syntax and whose context window is
/// <see cref="ContextWindowTokens"/>;</item>
/// <item><see cref="ModelId"/>: what the node puts in <see cref="ChatOptions.ModelId"/> for it (<c>RemoteId ?? Id</c>), and
/// <see cref="ResponseModelId"/>: the model id its responses name;</item>
/// <item><see cref="ContextWindowTokens"/>: the context window, so the suite can send a prompt that must be refused.</item>
/// </list>
/// The refusal must be an exception the edge maps to a 4xx (<see cref="ErrorMapping.TryMap"/>): an <see cref="ApiException"/>
/// or a <see cref="Hearth.Contracts.HearthRequestException"/>, never a hang or an untyped failure.
/// </remarks>
public abstract class ChatBackendConformanceTests
{
    /// <summary>How long any one call may take before the suite calls it a hang.</summary>
    protected static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The backend under test (shared by the class's tests; they never change its state).</summary>
    protected abstract IChatClient Backend { get; }

    /// <summary>The model id a node passes to this backend in <see cref="ChatOptions.ModelId"/>.</summary>
    protected abstract string ModelId { get; }

    /// <summary>The model id the backend's responses name.</summary>
    protected abstract string ResponseModelId { get; }

    /// <summary>The model's context window in tokens.</summary>
    protected abstract int ContextWindowTokens { get; }

    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "Tell me a story about a little girl.")];

    private ChatOptions Greedy(int maxOutputTokens) => new() { ModelId = ModelId, Temperature = 0f, MaxOutputTokens = maxOutputTokens };

    private static AIFunctionDeclaration WeatherTool() => AIFunctionFactory.CreateDeclaration("get_weather", "Current weather for a city",
        System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement);

    [Fact]
    public async Task GetResponseAsync_ShortPrompt_ReturnsTextWithInputAndOutputTokens()
    {
        var response = await Backend.GetResponseAsync(Prompt, Greedy(16)).WaitAsync(CallTimeout);

        Assert.False(string.IsNullOrEmpty(response.Text));
        Assert.NotNull(response.Usage);
        Assert.True(response.Usage!.InputTokenCount > 0, $"input tokens: {response.Usage.InputTokenCount}");
        Assert.True(response.Usage.OutputTokenCount is > 0 and <= 16, $"output tokens: {response.Usage.OutputTokenCount}");
        Assert.NotNull(response.FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Greedy_UpdatesConcatenateToTheAnswerWithOneFinishReasonAtTheEnd()
    {
        var whole = await Backend.GetResponseAsync(Prompt, Greedy(20)).WaitAsync(CallTimeout);

        var updates = await StreamAsync(Prompt, Greedy(20));

        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
        var finishes = updates.Select((u, i) => (u.FinishReason, Index: i)).Where(f => f.FinishReason is not null).ToList();
        var finish = Assert.Single(finishes);
        Assert.Equal(whole.FinishReason, finish.FinishReason);
        Assert.All(updates.Skip(finish.Index + 1), u => Assert.True(string.IsNullOrEmpty(u.Text), $"text after the finish reason: '{u.Text}'"));
        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.Equal(whole.Usage!.InputTokenCount, usage.InputTokenCount);
        Assert.Equal(whole.Usage.OutputTokenCount, usage.OutputTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledAfterFirstText_StopsPromptlyAndBackendStaysUsable()
    {
        using var cts = new CancellationTokenSource();
        var afterCancel = 0;
        var clock = new Stopwatch();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var u in Backend.GetStreamingResponseAsync(Prompt, Greedy(ContextWindowTokens / 2), cts.Token))
            {
                if (cts.IsCancellationRequested)
                {
                    afterCancel++;
                }
                else if (!string.IsNullOrEmpty(u.Text))
                {
                    clock.Start();
                    await cts.CancelAsync();
                }
            }
        }).WaitAsync(CallTimeout);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the stream ended {clock.Elapsed} after cancellation");
        Assert.True(afterCancel <= 2, $"{afterCancel} updates arrived after cancellation");
        var next = await Backend.GetResponseAsync(Prompt, Greedy(4)).WaitAsync(CallTimeout);
        Assert.False(string.IsNullOrEmpty(next.Text));
    }

    [Fact]
    public async Task GetResponseAsync_StopSequenceInTheAnswer_EndsBeforeItWithFinishReasonStop()
    {
        var full = (await Backend.GetResponseAsync(Prompt, Greedy(40)).WaitAsync(CallTimeout)).Text;
        var (stop, at) = StopFrom(full);
        var options = Greedy(40);
        options.StopSequences = [stop];

        var stopped = await Backend.GetResponseAsync(Prompt, options).WaitAsync(CallTimeout);

        Assert.Equal(full[..at], stopped.Text);
        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StopSequenceInTheAnswer_StreamsTextBeforeItWithFinishReasonStop()
    {
        var full = (await Backend.GetResponseAsync(Prompt, Greedy(40)).WaitAsync(CallTimeout)).Text;
        var (stop, at) = StopFrom(full);
        var options = Greedy(40);
        options.StopSequences = [stop];

        var updates = await StreamAsync(Prompt, options);

        Assert.Equal(full[..at], string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(ChatFinishReason.Stop, Assert.Single(updates, u => u.FinishReason is not null).FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_MaxOutputTokens_StopsAtTheCapWithFinishReasonLength()
    {
        var response = await Backend.GetResponseAsync(Prompt, Greedy(7)).WaitAsync(CallTimeout);

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(7, response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_MaxOutputTokens_StopsAtTheCapWithFinishReasonLength()
    {
        var updates = await StreamAsync(Prompt, Greedy(7));

        Assert.Equal(ChatFinishReason.Length, Assert.Single(updates, u => u.FinishReason is not null).FinishReason);
        Assert.Equal(7, Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details.OutputTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_RequiredToolChoice_ReturnsCallWithParseableArguments()
    {
        var options = Greedy(40);
        options.Tools = [WeatherTool()];
        options.ToolMode = ChatToolMode.RequireSpecific("get_weather");

        var response = await Backend.GetResponseAsync([new(ChatRole.User, "What is the weather in Oslo?")], options).WaitAsync(CallTimeout);

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Null(call.Exception);
        Assert.NotNull(call.Arguments);
        Assert.False(string.IsNullOrEmpty(call.CallId));
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RequiredToolChoice_StreamsCallWithParseableArguments()
    {
        var options = Greedy(40);
        options.Tools = [WeatherTool()];
        options.ToolMode = ChatToolMode.RequireSpecific("get_weather");

        var updates = await StreamAsync([new(ChatRole.User, "What is the weather in Oslo?")], options);

        var call = StreamedToolCall(updates);
        Assert.Equal("get_weather", call.Name);
        Assert.Null(call.Exception);
        Assert.NotNull(call.Arguments);
        Assert.Equal(ChatFinishReason.ToolCalls, Assert.Single(updates, u => u.FinishReason is not null).FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_ToolsWithAutoChoice_StillAnswersInText()
    {
        var options = Greedy(12);
        options.Tools = [WeatherTool()];
        options.ToolMode = ChatToolMode.Auto;

        var response = await Backend.GetResponseAsync(Prompt, options).WaitAsync(CallTimeout);

        // A story model does not call tools on its own: it answers, and the tools do not break that.
        Assert.False(string.IsNullOrEmpty(response.Text));
        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.True(response.Usage?.InputTokenCount > 0);
    }

    [Fact]
    public async Task GetResponseAsync_PromptOverTheContextWindow_ThrowsAnErrorTheEdgeMapsTo4xx()
    {
        var e = await Record.ExceptionAsync(() => Backend.GetResponseAsync(TooLong(), Greedy(8)).WaitAsync(CallTimeout));

        AssertRefusal(e);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PromptOverTheContextWindow_ThrowsAnErrorTheEdgeMapsTo4xx()
    {
        var e = await Record.ExceptionAsync(() => StreamAsync(TooLong(), Greedy(8)));

        AssertRefusal(e);
    }

    [Fact]
    public async Task GetResponseAsync_ModelIdOfTheBackend_ResponseNamesTheServingModel()
    {
        var response = await Backend.GetResponseAsync(Prompt, Greedy(3)).WaitAsync(CallTimeout);
        var updates = await StreamAsync(Prompt, Greedy(3));

        Assert.Equal(ResponseModelId, response.ModelId);
        Assert.NotEmpty(updates);
        Assert.All(updates.Where(u => u.ModelId is not null), u => Assert.Equal(ResponseModelId, u.ModelId));
        Assert.Contains(updates, u => u.ModelId is not null);
    }

    /// <summary>
    /// The one tool call a stream carries, as an M.E.AI consumer sees it: exactly one <see cref="FunctionCallContent"/> across
    /// the updates, with its arguments parsed. A backend that streams calls differently overrides this and says why.
    /// </summary>
    protected virtual FunctionCallContent StreamedToolCall(IReadOnlyList<ChatResponseUpdate> updates) =>
        Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());

    /// <summary>The whole stream of one request, within <see cref="CallTimeout"/>.</summary>
    protected async Task<List<ChatResponseUpdate>> StreamAsync(IEnumerable<ChatMessage> messages, ChatOptions options)
    {
        using var cts = new CancellationTokenSource(CallTimeout);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in Backend.GetStreamingResponseAsync(messages, options, cts.Token))
        {
            updates.Add(u);
        }
        return updates;
    }

    /// <summary>Checks that a refused request failed with an exception the edge maps to a 4xx error (not a timeout, not a crash).</summary>
    protected virtual void AssertRefusal(Exception? e)
    {
        Assert.NotNull(e);
        Assert.IsNotType<TimeoutException>(e);
        var api = ErrorMapping.TryMap(e!);
        Assert.True(api is not null, $"not a typed request error: {e}");
        Assert.InRange(api!.StatusCode, 400, 499);
    }

    /// <summary>A user message of about twice the context window in tokens.</summary>
    private ChatMessage[] TooLong() =>
        [new(ChatRole.User, string.Join(' ', Enumerable.Repeat("the little girl went to the park", (ContextWindowTokens * 2 / 7) + 1)))];

    /// <summary>A stop text taken from the middle of <paramref name="full"/> and where it first occurs.</summary>
    private static (string Stop, int At) StopFrom(string full)
    {
        Assert.True(full.Length >= 20, $"the greedy answer is too short to take a stop sequence from: '{full}'");
        var stop = full.Substring(full.Length / 2, 4);
        var at = full.IndexOf(stop, StringComparison.Ordinal);
        return (stop, at);
    }
}

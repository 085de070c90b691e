using System.Net;
using System.Text.Json;
using Hearth.Benchmarks.Gateway;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI.Chat;

namespace Hearth.Server.Tests.OpenAi;

public sealed class UpstreamForwardingTests
{
    [Fact]
    public async Task CompleteChat_ToolsFormatUserAndSampling_ForwardedThroughTwoNodes()
    {
        using var homeA = new TempDir();
        using var homeB = new TempDir();
        await using var chain = await TestNodes.StartChainAsync(homeA, homeB);
        var chat = TestNodes.OpenAiClient(chain.A).GetChatClient("chain");
        var options = new ChatCompletionOptions
        {
            Temperature = 0.3f,
            TopP = 0.9f,
            MaxOutputTokenCount = 33,
            EndUserId = "citizen-42",
            ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather"),
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("weather", BinaryData.FromString("""{"type":"object","properties":{"t":{"type":"number"}}}""")),
        };
        options.StopSequences.Add("END");
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather for a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}""")));

        await chat.CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Weather in Oslo?")], options);

        using var forwarded = JsonDocument.Parse(chain.Fixed.LastRequestBody!);
        var root = forwarded.RootElement;
        Assert.Equal(FixedResponseUpstream.ModelId, root.GetProperty("model").GetString());
        Assert.Equal("get_weather", root.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("string", root.GetProperty("tools")[0].GetProperty("function").GetProperty("parameters").GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal("get_weather", root.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("json_schema", root.GetProperty("response_format").GetProperty("type").GetString());
        Assert.Equal("citizen-42", root.GetProperty("user").GetString());
        Assert.Equal(0.3, root.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal("END", root.GetProperty("stop")[0].GetString());
        Assert.Equal(33, root.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal("system", root.GetProperty("messages")[0].GetProperty("role").GetString());
    }

    [Fact]
    public async Task CompleteChat_UpstreamFailsOnceWith503_RetriedBeforeAnyByteAndSucceeds()
    {
        using var home = new TempDir();
        await using var fixedUpstream = await FixedResponseUpstream.StartAsync();
        var calls = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var flaky = builder.Build();
        using var forward = new HttpClient { BaseAddress = fixedUpstream.BaseAddress };
        flaky.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.StatusCode = 503;
                await context.Response.WriteAsync("""{"error":{"message":"warming up","type":"server_error"}}""");
                return;
            }
            using var body = new StreamContent(context.Request.Body);
            body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var answer = await forward.PostAsync("v1/chat/completions", body);
            context.Response.ContentType = "application/json";
            await answer.Content.CopyToAsync(context.Response.Body);
        });
        await flaky.StartAsync();
        var flakyAddress = new Uri(flaky.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home, TestNodes.Upstream("flaky", flakyAddress, FixedResponseUpstream.ModelId)));

        ChatCompletion completion = await TestNodes.OpenAiClient(node).GetChatClient(FixedResponseUpstream.ModelId).CompleteChatAsync([new UserChatMessage("hi")]);

        Assert.Equal(FixedResponseUpstream.ReplyText, completion.Content[0].Text);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task OllamaChat_UpstreamStreaming_ConvertsSseToNdjson()
    {
        using var homeA = new TempDir();
        using var homeB = new TempDir();
        await using var chain = await TestNodes.StartChainAsync(homeA, homeB);
        using var http = new HttpClient { BaseAddress = chain.A.BaseAddress };

        using var response = await http.PostAsync("api/chat", new StringContent("""{"model":"chain","messages":[{"role":"user","content":"hi"}]}"""));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var text = string.Concat(lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("message").GetProperty("content").GetString()));
        Assert.Equal(FixedResponseUpstream.ReplyText, text);
        using var last = JsonDocument.Parse(lines[^1]);
        Assert.True(last.RootElement.GetProperty("done").GetBoolean());
        Assert.Equal(12, last.RootElement.GetProperty("prompt_eval_count").GetInt32());
    }
}

using System.Net;
using System.Text.Json;
using Hearth.Server.Tests.Support;

namespace Hearth.Server.Tests.OpenAi;

/// <summary>Raw HTTP: malformed requests get OpenAI-shaped errors naming the parameter.</summary>
[Collection(LocalNodeCollection.Name)]
public sealed class RequestErrorTests(LocalNodeFixture fixture)
{
    [Theory]
    [InlineData("""{"model":"stories260K","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}""", "temperature")]
    [InlineData("""{"model":"stories260K","messages":[{"role":"user","content":"hi"}],"temperature":3}""", "temperature")]
    [InlineData("""{"model":"stories260K","messages":[{"role":"user","content":"hi"}],"n":2}""", "n")]
    [InlineData("""{"model":"stories260K","messages":[]}""", "messages")]
    [InlineData("""{"model":"stories260K","messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"stories260K","messages":[{"role":"user","content":"hi"}],"top_logprobs":3}""", "logprobs")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"stories260K","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"xml"}}""", "response_format.type")]
    public async Task ChatCompletions_InvalidParameter_Returns400NamingIt(string body, string param)
    {
        var (status, error) = await PostAsync("v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ChatCompletions_BrokenJson_Returns400InvalidJson()
    {
        var (status, error) = await PostAsync("v1/chat/completions", """{"model": "x", "messages": [""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("JSON", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_BodyLargerThanLimit_Returns413()
    {
        var huge = "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('a', 9 * 1024 * 1024) + "\"}]}";

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = LocalChatTests.Json(huge) };
        // With 100-continue the server can refuse before the client uploads 9 MiB (otherwise the refusal races the upload).
        request.Headers.ExpectContinue = true;

        using var response = await fixture.Http.SendAsync(request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnknownRoute_Returns404InOpenAiShape()
    {
        using var response = await fixture.Http.GetAsync("v1/nothing-here");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("unknown_url", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    private async Task<(HttpStatusCode Status, JsonElement Error)> PostAsync(string path, string body)
    {
        using var response = await fixture.Http.PostAsync(path, LocalChatTests.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        return (response.StatusCode, doc.RootElement.GetProperty("error").Clone());
    }
}

using System.Net;
using System.Text.Json;
using Hearth.Contracts;
using Hearth.Benchmarks.Gateway;
using Hearth.Server.Backends.Upstream;
using Hearth.Server.Errors;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Tests.Errors;

/// <summary>A library's typed request error becomes the same HTTP error on every API, mapped in one place.</summary>
public sealed class ErrorMappingTests
{
    [Theory]
    [InlineData(RequestErrorKind.InvalidRequest, 400, "invalid_request_error")]
    [InlineData(RequestErrorKind.NotFound, 404, "invalid_request_error")]
    [InlineData(RequestErrorKind.Forbidden, 403, "permission_error")]
    [InlineData(RequestErrorKind.Refused, 403, "invalid_request_error")]
    [InlineData(RequestErrorKind.QuotaExceeded, 429, "insufficient_quota")]
    [InlineData(RequestErrorKind.RateLimited, 429, "rate_limit_error")]
    [InlineData(RequestErrorKind.Unavailable, 503, "server_error")]
    [InlineData(RequestErrorKind.Timeout, 504, "timeout_error")]
    [InlineData(RequestErrorKind.ContentTooLarge, 413, "invalid_request_error")]
    public void TryMap_EachKind_HasItsStatusAndType(RequestErrorKind kind, int status, string type)
    {
        var api = ErrorMapping.TryMap(new HearthRequestException(kind, "m", "p", "c"));

        Assert.NotNull(api);
        Assert.Equal((status, type, "m", "p", "c"), (api.StatusCode, api.Type, api.Message, api.Param, api.Code));
    }

    [Fact]
    public void TryMap_UpstreamFailures_KeepTheUpstreamErrorTypesAndCodes()
    {
        var gateway = ErrorMapping.TryMap(UpstreamFailureException.BadGateway("gpt", "answered 500: boom"))!;
        var unavailable = ErrorMapping.TryMap(UpstreamFailureException.Unavailable("gpt", "circuit open", TimeSpan.FromSeconds(30)))!;
        var timeout = ErrorMapping.TryMap(UpstreamFailureException.Timeout("gpt", "no response within 5 s."))!;

        Assert.Equal((502, "upstream_error", "bad_gateway", "Upstream 'gpt': answered 500: boom"), (gateway.StatusCode, gateway.Type, gateway.Code, gateway.Message));
        Assert.Equal((503, "upstream_error", "upstream_unavailable", 30), (unavailable.StatusCode, unavailable.Type, unavailable.Code, unavailable.RetryAfterSeconds));
        Assert.Equal((504, "timeout_error", "upstream_timeout"), (timeout.StatusCode, timeout.Type, timeout.Code));
    }

    [Fact]
    public void StatusOf_EveryKind_HasItsOwn4xxOr5xxNeverTheFallback()
    {
        foreach (var kind in Enum.GetValues<RequestErrorKind>())
        {
            var (status, type) = ErrorMapping.StatusOf(kind);
            Assert.True(status is >= 400 and < 600 and not 500, $"{kind} maps to {status}");
            Assert.False(string.IsNullOrEmpty(type));
        }
    }

    [Fact]
    public void TryMap_OtherExceptions_AreNotRequestErrors()
    {
        Assert.Null(ErrorMapping.TryMap(new InvalidOperationException("bug")));
    }

    [Fact]
    public async Task Node_StageThrowsTypedError_OpenAiAndOllamaGetTheMappedStatusBodyAndRetryAfter()
    {
        using var home = new TempDir();
        await using var upstream = await FixedResponseUpstream.StartAsync();
        var error = new HearthRequestException(RequestErrorKind.RateLimited, "Slow down.", null, "test_code") { RetryAfter = TimeSpan.FromSeconds(2.2) };
        await using var node = await TestNodes.StartAsync(
            TestNodes.Options(home, TestNodes.Upstream("up", upstream.BaseAddress, FixedResponseUpstream.ModelId)),
            setup => setup.ChatStages.Add((builder, _) => builder.Use(inner => new ThrowingChatClient(inner, error))));
        using var http = new HttpClient { BaseAddress = node.BaseAddress };

        var openAi = await http.PostAsync("v1/chat/completions", Json(new { model = FixedResponseUpstream.ModelId, messages = new[] { new { role = "user", content = "hi" } } }));
        var ollama = await http.PostAsync("api/chat", Json(new { model = FixedResponseUpstream.ModelId, stream = false, messages = new[] { new { role = "user", content = "hi" } } }));

        Assert.Equal(HttpStatusCode.TooManyRequests, openAi.StatusCode);
        Assert.Equal("3", openAi.Headers.RetryAfter?.ToString());
        using var body = JsonDocument.Parse(await openAi.Content.ReadAsStringAsync());
        Assert.Equal("test_code", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("rate_limit_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.TooManyRequests, ollama.StatusCode);
        using var ollamaBody = JsonDocument.Parse(await ollama.Content.ReadAsStringAsync());
        Assert.Equal("Slow down.", ollamaBody.RootElement.GetProperty("error").GetString());
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    private sealed class ThrowingChatClient(IChatClient inner, Exception error) : DelegatingChatClient(inner)
    {
        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw error;

        public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw error;
    }
}

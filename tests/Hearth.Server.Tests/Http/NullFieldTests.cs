using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Tests.Http;

/// <summary>
/// Hostile nulls never reach the mapping code as a 500: a node with an upstream chat/embedding model gets, for every request
/// type, a fully populated valid body with each value in turn (object property or array element, at any depth) replaced by
/// <c>null</c>. Each variant must answer 2xx or a typed 4xx in the API's own error shape; a null array element must be a 400
/// naming its path (or its array's).
/// </summary>
public sealed class NullFieldTests
{
    private const string ChatBody = """
        {"model":"gpt","stream":false,"max_tokens":5,"temperature":0.5,"top_p":0.9,"seed":1,"stop":["x","y"],"user":"u",
         "messages":[
           {"role":"system","content":"Be brief."},
           {"role":"user","content":[{"type":"text","text":"Weather?"}],"name":"ann"},
           {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]},
           {"role":"tool","tool_call_id":"call_1","content":"sunny"},
           {"role":"user","content":"Thanks"}],
         "tools":[{"type":"function","function":{"name":"weather","description":"d","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
         "tool_choice":{"type":"function","function":{"name":"weather"}},
         "response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object"}}}}
        """;

    private const string CompletionBody = """{"model":"gpt","prompt":["Once"],"max_tokens":5,"stop":["x"],"temperature":0.5}""";
    private const string EmbeddingBody = """{"model":"gpt","input":["a","b"],"dimensions":3,"encoding_format":"float"}""";

    private const string OllamaChatBody = """
        {"model":"gpt","stream":false,"options":{"temperature":0.5,"num_predict":5,"stop":["x"]},
         "messages":[
           {"role":"user","content":"Weather?"},
           {"role":"assistant","content":"","tool_calls":[{"function":{"name":"weather","arguments":{"city":"Oslo"}}}]},
           {"role":"tool","content":"sunny"},
           {"role":"user","content":"Thanks"}],
         "tools":[{"type":"function","function":{"name":"weather","description":"d","parameters":{"type":"object"}}}]}
        """;

    private const string OllamaGenerateBody = """{"model":"gpt","prompt":"Once","system":"s","stream":false,"options":{"num_predict":5,"stop":["x"]}}""";
    private const string OllamaEmbedBody = """{"model":"gpt","input":["a","b"],"dimensions":3,"options":{"temperature":0}}""";

    public static TheoryData<string, string> Requests() => new()
    {
        { "/v1/chat/completions", ChatBody },
        { "/v1/completions", CompletionBody },
        { "/v1/embeddings", EmbeddingBody },
        { "/api/chat", OllamaChatBody },
        { "/api/generate", OllamaGenerateBody },
        { "/api/embed", OllamaEmbedBody },
        { "/api/show", """{"model":"gpt","verbose":true}""" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Post_NullAtEveryPosition_NeverServerErrorAndNullElementsNamed(string path, string validBody)
    {
        await using var upstream = await StartUpstreamAsync();
        using var home = new TempDir("hearth-nulls-");
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home, TestNodes.Upstream("up", upstream.BaseAddress, "gpt")));
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var ollama = path.StartsWith("/api/", StringComparison.Ordinal);

        var (validStatus, validText) = await PostAsync(http, path, validBody);
        Assert.True(validStatus == HttpStatusCode.OK, $"the unmodified body must succeed, got {validStatus}: {validText}");

        var variants = NullVariants(JsonNode.Parse(validBody)!).ToList();
        Assert.NotEmpty(variants);
        foreach (var (position, isElement, body) in variants)
        {
            var (status, text) = await PostAsync(http, path, body);
            var what = $"{path} with {position} = null → {(int)status}: {text}";
            Assert.True((int)status < 500, what);
            if ((int)status >= 400)
            {
                var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
                var message = ollama ? error.GetString()! : error.GetProperty("message").GetString()!;
                Assert.False(string.IsNullOrWhiteSpace(message), what);
                Assert.DoesNotContain("Internal error", message, StringComparison.Ordinal);
                Assert.DoesNotContain("(Parameter '", message, StringComparison.Ordinal);
            }
            if (isElement)
            {
                Assert.True(status == HttpStatusCode.BadRequest, what);
                var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
                // The element's own path, or its array's when a converter reads the array whole (stop, input, prompt).
                var arrayPath = position[..position.LastIndexOf('[')];
                if (ollama)
                {
                    Assert.Contains($"{arrayPath}", error.GetString()!, StringComparison.Ordinal);
                }
                else
                {
                    Assert.Contains(error.GetProperty("param").GetString(), (string[])[position, arrayPath]);
                }
            }
        }
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"gpt","messages":[{"role":"assistant","content":"","tool_calls":[null]}]}""", "messages[0].tool_calls[0]")]
    [InlineData("/v1/chat/completions", """{"model":"gpt","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":null}]}]}""", "messages[0].tool_calls[0].function")]
    [InlineData("/v1/chat/completions", """{"model":"gpt","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":null}]}""", "tools[0]")]
    [InlineData("/v1/embeddings", """{"model":"gpt","input":"a","dimensions":0}""", "dimensions")]
    [InlineData("/v1/embeddings", """{"model":"gpt","input":"a","dimensions":-5}""", "dimensions")]
    [InlineData("/api/chat", """{"model":"gpt","messages":[null]}""", "messages[0]")]
    [InlineData("/api/chat", """{"model":"gpt","messages":[{"role":"user","content":"hi"}],"tools":[null]}""", "tools[0]")]
    [InlineData("/api/chat", """{"model":"gpt","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":null}]}""", "tools[0]")]
    [InlineData("/api/embed", """{"model":"gpt","input":"a","dimensions":0}""", "dimensions")]
    [InlineData("/api/embed", """{"model":"gpt","input":"a","dimensions":-1}""", "dimensions")]
    public async Task Post_ReportedBadBody_Returns400NamingTheField(string path, string body, string field)
    {
        await using var upstream = await StartUpstreamAsync();
        using var home = new TempDir("hearth-nulls-");
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home, TestNodes.Upstream("up", upstream.BaseAddress, "gpt")));
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        var (status, text) = await PostAsync(http, path, body);

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {text}");
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            Assert.Contains(field, error.GetString()!, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal((field, "invalid_request_error"), (error.GetProperty("param").GetString()!, error.GetProperty("type").GetString()!));
        }
    }

    /// <summary>Every value below the root replaced by null, one at a time: (its path, whether it is an array element, the body).</summary>
    internal static IEnumerable<(string Path, bool IsElement, string Body)> NullVariants(JsonNode root)
    {
        var paths = new List<(string, bool)>();
        Collect(root, "", paths);
        foreach (var (path, isElement) in paths)
        {
            var copy = root.DeepClone();
            SetNull(copy, path);
            yield return (path, isElement, copy.ToJsonString());
        }
    }

    private static void Collect(JsonNode node, string path, List<(string, bool)> into)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o)
                {
                    var p = path.Length == 0 ? name : path + "." + name;
                    into.Add((p, false));
                    if (child is not null) { Collect(child, p, into); }
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    var p = $"{path}[{i}]";
                    into.Add((p, true));
                    if (a[i] is { } child) { Collect(child, p, into); }
                }
                break;
        }
    }

    private static void SetNull(JsonNode root, string path)
    {
        // Paths are built by Collect: names joined with '.', indexes in brackets; names here contain neither.
        var parts = path.Replace("[", ".[", StringComparison.Ordinal).Split('.', StringSplitOptions.RemoveEmptyEntries);
        var node = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            if (parts[i].StartsWith('['))
            {
                var index = int.Parse(parts[i][1..^1], System.Globalization.CultureInfo.InvariantCulture);
                if (last) { node.AsArray()[index] = null; } else { node = node.AsArray()[index]!; }
            }
            else
            {
                if (last) { node.AsObject()[parts[i]] = null; } else { node = node.AsObject()[parts[i]]!; }
            }
        }
    }

    private static async Task<(HttpStatusCode Status, string Text)> PostAsync(HttpClient http, string path, string body)
    {
        using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>An OpenAI-compatible upstream answering chat, completions and 3-dimensional embeddings with fixed bodies.</summary>
    private static Task<LoopbackServer> StartUpstreamAsync() => LoopbackServer.StartAsync(app =>
    {
        app.MapPost("/v1/chat/completions", (HttpContext c) => AnswerAsync(c,
            """{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}"""));
        app.MapPost("/v1/completions", (HttpContext c) => AnswerAsync(c,
            """{"id":"cmpl-1","object":"text_completion","created":1700000000,"model":"gpt","choices":[{"index":0,"text":"ok","finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}"""));
        app.MapPost("/v1/embeddings", (HttpContext c) => AnswerAsync(c,
            """{"object":"list","model":"gpt","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3]},{"object":"embedding","index":1,"embedding":[0.3,0.2,0.1]}],"usage":{"prompt_tokens":2,"total_tokens":2}}"""));
    });

    private static async Task AnswerAsync(HttpContext context, string json)
    {
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }
}

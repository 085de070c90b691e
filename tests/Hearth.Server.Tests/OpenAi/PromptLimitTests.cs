using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.Inference.Import;
using Hearth.Server.Hosting;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;

namespace Hearth.Server.Tests.OpenAi;

/// <summary>
/// Oversized prompts and embedding requests on a real node (stories260K, 512-token context): refused with a typed 400 before
/// the work they would cost — on byte length before tokenizing when far too long, and by a per-request token cap for embeddings.
/// </summary>
public sealed class PromptLimitTests
{
    private const string Model = "stories260K";

    /// <summary>A node, its client and its home, disposed in that order.</summary>
    private sealed record Running(HearthNode Node, HttpClient Http, TempDir Home) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Node.DisposeAsync();
            Home.Dispose();
        }
    }

    private static async Task<Running> StartAsync(int maxEmbeddingTokens = 16_384)
    {
        var home = new TempDir();
        var models = Path.Combine(home.Path, "models");
        Directory.CreateDirectory(models);
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), Path.Combine(models, Model + ".gguf"));
        var options = TestNodes.Options(home);
        var node = await TestNodes.StartAsync(options with { Local = options.Local with { Threads = 1, MaxEmbeddingTokensPerRequest = maxEmbeddingTokens } });
        return new Running(node, new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) }, home);
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsync(path, new StringContent(Json(body), Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    // 2 MiB of text: far past any byte bound of a 512-token window, well under the 8 MiB body limit.
    private static readonly string HugeText = string.Concat(Enumerable.Repeat("Once upon a time, there was a little girl. ", 2 * 1024 * 1024 / 43));

    [Fact]
    public async Task ChatCompletions_PromptFarBeyondContext_400ContextLengthExceededBeforeTokenizing()
    {
        await using var running = await StartAsync();
        var http = running.Http;

        var (status, body) = await PostAsync(http, "v1/chat/completions", new { model = Model, messages = new[] { new { role = "user", content = HugeText } }, max_tokens = 1 });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body.GetProperty("error");
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("bytes, at least", error.GetProperty("message").GetString(), StringComparison.Ordinal);   // the byte bound, not a tokenization
    }

    [Fact]
    public async Task Generate_RawPromptFarBeyondContext_OllamaError400()
    {
        await using var running = await StartAsync();
        var http = running.Http;

        var (status, body) = await PostAsync(http, "api/generate", new { model = Model, prompt = HugeText, raw = true, stream = false });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at least", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_PromptUnderByteBoundFarOverContext_400FromAPrefixBeforeTokenizingAll()
    {
        await using var running = await StartAsync();
        var http = running.Http;
        // ~12 KB over three messages: under the byte bound (512 × 9 × 4 bytes) but ~3,000 tokens, so a prefix of context × 8
        // bytes is tokenized and already holds more than the window.
        var part = string.Concat(Enumerable.Repeat("Lily saw a big red ball in the park. ", 110));
        var messages = new[] { new { role = "system", content = part }, new { role = "user", content = part }, new { role = "user", content = part } };

        var (status, body) = await PostAsync(http, "v1/chat/completions", new { model = Model, messages, max_tokens = 1 });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body.GetProperty("error");
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("bytes, at least", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_PromptJustOverContext_StillExactTokenCheck()
    {
        await using var running = await StartAsync();
        var http = running.Http;
        // ~700 tokens: over the 512-token window but under the byte bound, so it is tokenized and counted exactly.
        var text = string.Concat(Enumerable.Repeat("Lily saw a big red ball. ", 100));

        var (status, body) = await PostAsync(http, "v1/chat/completions", new { model = Model, messages = new[] { new { role = "user", content = text } }, max_tokens = 1 });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("context_length_exceeded", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("needs", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embeddings_OneInputBeyondContext_400NamingTheInput()
    {
        await using var running = await StartAsync();
        var http = running.Http;

        var (status, body) = await PostAsync(http, "v1/embeddings", new { model = Model, input = new[] { "a cat", HugeText } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body.GetProperty("error");
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.StartsWith("Input 1 has at least", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embeddings_ManyInputsOverRequestTokenCap_400BothApisUnderCapSucceeds()
    {
        await using var running = await StartAsync(maxEmbeddingTokens: 100);
        var http = running.Http;
        // Each input fits the window on its own (~8 tokens); 40 of them do not fit a 100-token request.
        var inputs = Enumerable.Repeat("Once upon a time there was a cat", 40).ToArray();

        var (openAiStatus, openAiBody) = await PostAsync(http, "v1/embeddings", new { model = Model, input = inputs });
        var (ollamaStatus, ollamaBody) = await PostAsync(http, "api/embed", new { model = Model, input = inputs });
        var (smallStatus, smallBody) = await PostAsync(http, "v1/embeddings", new { model = Model, input = inputs[..5] });

        Assert.Equal(HttpStatusCode.BadRequest, openAiStatus);
        Assert.Equal("embedding_tokens_exceeded", openAiBody.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("Local:MaxEmbeddingTokensPerRequest", openAiBody.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, ollamaStatus);
        Assert.Contains("at most 100 tokens", ollamaBody.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, smallStatus);
        Assert.Equal(5, smallBody.GetProperty("data").GetArrayLength());
    }
}

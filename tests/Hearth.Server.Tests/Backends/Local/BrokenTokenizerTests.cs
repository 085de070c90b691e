using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.Server.Tests.Wiring;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;

namespace Hearth.Server.Tests.Backends.Local;

/// <summary>
/// A model file whose tokenizer is broken or unsupported is the file's fault, not the server's: both APIs answer a typed 400
/// naming the file (not a 500 with the engine's exception), and the node keeps serving.
/// </summary>
public sealed class BrokenTokenizerTests
{
    /// <summary>GGUF metadata keys/values patched in place with same-length bytes, so the file stays a well-formed GGUF.</summary>
    [Theory]
    [InlineData("tokenizer.ggml.tokens", "tokenizer.ggml.tokenz", "invalid_model_file", "tokenizer.ggml.tokens")]
    [InlineData("tokenizer.ggml.model", "tokenizer.ggml.mode_", "invalid_model_file", "tokenizer.ggml.model")]
    public async Task Chat_ModelFileWithBrokenTokenizer_Returns400NamingTheFile(string key, string patched, string code, string field)
    {
        using var home = new TempDir("hearth-badtok-");
        var good = WiringNodes.InstallStories(home);
        var broken = Path.Combine(Path.GetDirectoryName(good)!, "broken.gguf");
        File.WriteAllBytes(broken, Patch(File.ReadAllBytes(good), Encoding.ASCII.GetBytes(key), Encoding.ASCII.GetBytes(patched)));
        await using var node = await TestNodes.StartAsync(WiringNodes.LocalOptions(home));
        using var http = WiringNodes.Client(node);

        using var openAi = await http.PostAsync("/v1/chat/completions", WiringNodes.Json(WiringNodes.ChatBody("broken")));
        var error = JsonDocument.Parse(await openAi.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        using var ollama = await http.PostAsync("/api/chat", WiringNodes.Json("""{"model":"broken","messages":[{"role":"user","content":"hi"}],"stream":false}"""));
        var ollamaError = JsonDocument.Parse(await ollama.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
        using var healthy = await http.PostAsync("/v1/chat/completions", WiringNodes.Json(WiringNodes.ChatBody(WiringNodes.LocalModel)));

        Assert.Equal(HttpStatusCode.BadRequest, openAi.StatusCode);
        Assert.Equal((code, "model"), (error.GetProperty("code").GetString(), error.GetProperty("param").GetString()));
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains("broken.gguf", message, StringComparison.Ordinal);
        Assert.Contains(field, message, StringComparison.Ordinal);
        Assert.DoesNotContain(home.Path, message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, ollama.StatusCode);
        Assert.Contains("broken.gguf", ollamaError, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [Fact]
    public async Task Chat_ModelFileWithUnsupportedTokenizerModel_Returns400UnsupportedModelNamingTheFile()
    {
        using var home = new TempDir("hearth-badtok-");
        var good = WiringNodes.InstallStories(home);
        var broken = Path.Combine(Path.GetDirectoryName(good)!, "odd.gguf");
        // The value of tokenizer.ggml.model ("llama", a GGUF string: u32 type, u64 length, bytes) becomes "llamx".
        var bytes = File.ReadAllBytes(good);
        var keyAt = IndexOf(bytes, Encoding.ASCII.GetBytes("tokenizer.ggml.model"));
        var valueAt = keyAt + "tokenizer.ggml.model".Length + 4 + 8;
        Assert.Equal("llama", Encoding.ASCII.GetString(bytes, valueAt, 5));
        bytes[valueAt + 4] = (byte)'x';
        File.WriteAllBytes(broken, bytes);
        await using var node = await TestNodes.StartAsync(WiringNodes.LocalOptions(home));
        using var http = WiringNodes.Client(node);

        using var response = await http.PostAsync("/v1/chat/completions", WiringNodes.Json(WiringNodes.ChatBody("odd")));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_model", error.GetProperty("code").GetString());
        Assert.Contains("odd.gguf", error.GetProperty("message").GetString()!, StringComparison.Ordinal);
        Assert.Contains("llamx", error.GetProperty("message").GetString()!, StringComparison.Ordinal);
    }

    private static byte[] Patch(byte[] bytes, byte[] from, byte[] to)
    {
        var at = IndexOf(bytes, from);
        to.CopyTo(bytes, at);
        return bytes;
    }

    private static int IndexOf(byte[] bytes, byte[] what)
    {
        var at = bytes.AsSpan().IndexOf(what);
        Assert.True(at >= 0, $"'{Encoding.ASCII.GetString(what)}' not in the file");
        return at;
    }
}

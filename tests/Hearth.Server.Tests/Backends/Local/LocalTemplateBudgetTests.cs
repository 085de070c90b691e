using System.Text.Json;
using Hearth.Inference.Import;
using Hearth.Server.Tests.OpenAi;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;

namespace Hearth.Server.Tests.Backends.Local;

/// <summary>
/// A model whose chat template does quadratic work inside every size limit (the security probe's case): one request must end
/// with a typed 422 naming the exceeded budget, in each API's error shape, and the node must keep serving.
/// </summary>
public sealed class LocalTemplateBudgetTests
{
    // 900,000 appends of 10 chars to one string: the final 9 M chars and the iteration count are inside the size and loop
    // limits, the copying (~4e12 chars) is not inside any work budget.
    private const string HostileTemplate =
        "{% set ns = namespace(s='') %}{% for i in range(90000) %}{% for j in range(10) %}{% set ns.s = ns.s ~ 'xxxxxxxxxx' %}{% endfor %}{% endfor %}{{ ns.s | length }}";

    [Fact]
    public async Task Chat_QuadraticTemplate_Returns422NamingTheBudgetAndNodeKeepsServing()
    {
        using var home = new TempDir();
        var models = Path.Combine(home.Path, "models");
        Directory.CreateDirectory(models);
        var plain = home.File("plain.gguf");
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), plain);
        LocalToolCallingTests.WithTemplate(plain, HostileTemplate, Path.Combine(models, "hostile.gguf"));
        var options = TestNodes.Options(home);
        await using var node = await TestNodes.StartAsync(options with { Local = options.Local with { Threads = 1 } });
        // Generous client timeout (shared 2-core machine); the render stops at its budget in well under a second when quiet.
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

        using var openAi = await http.PostAsync("v1/chat/completions", LocalChatTests.Json($$"""{"model":"hostile",{{Messages}},"max_tokens":1}"""));
        using var openAiBody = JsonDocument.Parse(await openAi.Content.ReadAsStringAsync());
        using var ollama = await http.PostAsync("api/chat", LocalChatTests.Json($$$"""{"model":"hostile",{{{Messages}}},"stream":false,"options":{"num_predict":1}}"""));
        using var ollamaBody = JsonDocument.Parse(await ollama.Content.ReadAsStringAsync());
        using var models2 = await http.GetAsync("v1/models");

        Assert.Equal(422, (int)openAi.StatusCode);
        var error = openAiBody.RootElement.GetProperty("error");
        Assert.Equal("template_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.Matches("MaxBuiltChars|MaxRenderTime", error.GetProperty("message").GetString()!);
        Assert.Equal(422, (int)ollama.StatusCode);
        Assert.Matches("MaxBuiltChars|MaxRenderTime", ollamaBody.RootElement.GetProperty("error").GetString()!);
        Assert.True(models2.IsSuccessStatusCode);
    }
}

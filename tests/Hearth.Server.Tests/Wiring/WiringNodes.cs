using System.Text.Json;
using Hearth.Inference.Import;
using Hearth.Server.Configuration;
using Hearth.Server.Hosting;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;

namespace Hearth.Server.Tests.Wiring;

/// <summary>Nodes with stories260K in their models folder, for the ledger and routing wiring tests.</summary>
internal static class WiringNodes
{
    public const string LocalModel = "stories260K";

    public static string InstallStories(TempDir home)
    {
        var models = Path.Combine(home.Path, "models");
        Directory.CreateDirectory(models);
        var path = Path.Combine(models, LocalModel + ".gguf");
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), path);
        return path;
    }

    public static HearthOptions LocalOptions(TempDir home) =>
        TestNodes.Options(home) with { Local = new LocalModelOptions { Threads = 1, KeepAliveSeconds = 600 } };

    public static Task<HearthNode> StartAsync(HearthOptions options) => TestNodes.StartAsync(options);

    public static HttpClient Client(HearthNode node) => new() { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static string ChatBody(string model, bool stream = false, int maxTokens = 6) =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":{{maxTokens}},"temperature":0,"stream":{{(stream ? "true" : "false")}}}""";

    /// <summary>Polls <c>/v1/ledger/entries</c> until <paramref name="count"/> entries are committed (journal durability commits in the background).</summary>
    public static async Task<JsonElement> WaitForEntriesAsync(HttpClient http, int count, string query = "")
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var text = await http.GetStringAsync("/v1/ledger/entries" + query);
            var page = JsonDocument.Parse(text).RootElement;
            if (page.GetProperty("data").GetArrayLength() >= count || DateTime.UtcNow > deadline)
            {
                return page;
            }
            await Task.Delay(50);
        }
    }

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : "";
}

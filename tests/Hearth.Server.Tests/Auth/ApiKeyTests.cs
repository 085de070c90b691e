using System.ClientModel;
using System.Text.Json;
using Hearth.Server.Auth;
using Hearth.Server.Benchmarks;
using Hearth.Server.Configuration;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using OpenAI.Chat;

namespace Hearth.Server.Tests.Auth;

public sealed class ApiKeyTests
{
    [Fact]
    public void Create_ThenVerify_ReturnsTenantAndStoresOnlySaltedHash()
    {
        using var home = new TempDir();
        var store = new ApiKeyStore(HearthHome.KeysFile(home.Path));

        var (record, key) = store.Create("town-hall", "clerk");

        Assert.Equal("town-hall", store.Verify(key)?.Tenant);
        var file = File.ReadAllText(HearthHome.KeysFile(home.Path));
        Assert.DoesNotContain(key[(key.IndexOf('.') + 1)..], file, StringComparison.Ordinal);
        Assert.Equal(record.Hash, store.List().Single().Hash);
        Assert.Equal(44, record.Hash.Length); // base64 of a 32-byte SHA-256
        Assert.Null(store.Verify(key + "x"));
        Assert.Null(store.Verify("hk-" + record.Id + ".wrong"));
        Assert.Null(store.Verify("garbage"));
    }

    [Fact]
    public void Revoke_Key_VerifyFailsAndAuthStaysOnlyWhileActiveKeysExist()
    {
        using var home = new TempDir();
        var store = new ApiKeyStore(HearthHome.KeysFile(home.Path));
        Assert.False(store.IsAuthRequired);
        var (record, key) = store.Create("t");
        Assert.True(store.IsAuthRequired);

        Assert.True(store.Revoke(record.Id));

        Assert.Null(store.Verify(key));
        Assert.False(store.IsAuthRequired);
        Assert.False(store.Revoke(record.Id));
        Assert.NotNull(store.List().Single().RevokedAt);
    }

    [Fact]
    public void TwoKeysSameSecretSpace_HaveDifferentSalts()
    {
        using var home = new TempDir();
        var store = new ApiKeyStore(HearthHome.KeysFile(home.Path));

        var a = store.Create("a").Record;
        var b = store.Create("b").Record;

        Assert.NotEqual(a.Salt, b.Salt);
        Assert.NotEqual(a.Id, b.Id);
    }

    [Fact]
    public async Task Node_WithKey_Rejects401WithoutOrWrongKeyAndAcceptsValidKey()
    {
        using var home = new TempDir();
        await using var upstream = await FixedResponseUpstream.StartAsync();
        var (_, key) = new ApiKeyStore(HearthHome.KeysFile(home.Path)).Create("library");
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home, TestNodes.Upstream("fixed", upstream.BaseAddress, FixedResponseUpstream.ModelId)));

        var wrong = await Assert.ThrowsAsync<ClientResultException>(() =>
            TestNodes.OpenAiClient(node, "hk-000000000000.nope").GetChatClient(FixedResponseUpstream.ModelId).CompleteChatAsync([new UserChatMessage("hi")]));
        ChatCompletion ok = await TestNodes.OpenAiClient(node, key).GetChatClient(FixedResponseUpstream.ModelId).CompleteChatAsync([new UserChatMessage("hi")]);
        using var http = new HttpClient { BaseAddress = node.BaseAddress };
        using var ollama = await http.GetAsync("api/tags");
        using var health = await http.GetAsync("healthz");
        using var missing = await http.PostAsync("v1/chat/completions", new StringContent("""{"model":"fixed-model","messages":[{"role":"user","content":"hi"}]}"""));
        using var missingBody = JsonDocument.Parse(await missing.Content.ReadAsStringAsync());

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("missing_api_key", missingBody.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(401, wrong.Status);
        Assert.Contains("invalid_api_key", wrong.Message, StringComparison.Ordinal);
        Assert.Equal(FixedResponseUpstream.ReplyText, ok.Content[0].Text);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, ollama.StatusCode);
        Assert.Equal(JsonValueKind.String, JsonDocument.Parse(await ollama.Content.ReadAsStringAsync()).RootElement.GetProperty("error").ValueKind);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }
}

using System.ClientModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hearth.Server.Auth;
using Hearth.Benchmarks.Gateway;
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
    public void Revoke_LastKey_VerifyFailsAndAuthStaysRequired()
    {
        using var home = new TempDir();
        var store = new ApiKeyStore(HearthHome.KeysFile(home.Path));
        Assert.Equal(ApiKeyAuthState.Off, store.State);
        var (record, key) = store.Create("t");
        Assert.Equal(ApiKeyAuthState.Required, store.State);

        Assert.True(store.Revoke(record.Id));

        Assert.Null(store.Verify(key));
        Assert.Equal(ApiKeyAuthState.Required, store.State);
        Assert.Equal(0, store.ActiveKeyCount);
        Assert.False(store.Revoke(record.Id));
        Assert.NotNull(store.List().Single().RevokedAt);
        Assert.True(File.Exists(store.RequiredMarkerPath));
    }

    [Fact]
    public void State_KeysFileDeletedAfterAKeyExisted_StaysRequired()
    {
        using var home = new TempDir();
        var path = HearthHome.KeysFile(home.Path);
        var (_, key) = new ApiKeyStore(path).Create("t");

        File.Delete(path);
        var reopened = new ApiKeyStore(path);

        Assert.Equal(ApiKeyAuthState.Required, reopened.State);
        Assert.Null(reopened.Verify(key));
    }

    [Fact]
    public void State_KeysFileFromBeforeTheMarker_RequiredAndMarkerWritten()
    {
        using var home = new TempDir();
        var path = HearthHome.KeysFile(home.Path);
        var store = new ApiKeyStore(path);
        var (record, _) = store.Create("t");
        store.Revoke(record.Id);
        File.Delete(store.RequiredMarkerPath); // as a keys file written by an older build: revoked records, no marker

        var reopened = new ApiKeyStore(path);

        Assert.Equal(ApiKeyAuthState.Required, reopened.State);
        Assert.True(File.Exists(reopened.RequiredMarkerPath));
    }

    [Fact]
    public void State_ConfiguredRequiredWithNoKeyEver_Required()
    {
        using var home = new TempDir();

        var store = new ApiKeyStore(HearthHome.KeysFile(home.Path), alwaysRequired: true);

        Assert.Equal(ApiKeyAuthState.Required, store.State);
        Assert.Equal(0, store.ActiveKeyCount);
    }

    [Fact]
    public void Create_AdminAndLegacyRecordWithoutRole_AdminIsAdminAndLegacyIsTenant()
    {
        using var home = new TempDir();
        var path = HearthHome.KeysFile(home.Path);
        var store = new ApiKeyStore(path);
        var (_, adminKey) = store.Create("ops", null, ApiKeyRoles.Admin);
        var (_, tenantKey) = store.Create("a");
        // A record written before roles existed has no "role" property.
        var doc = JsonNode.Parse(File.ReadAllText(path))!;
        doc["keys"]![1]!.AsObject().Remove("role");
        File.WriteAllText(path, doc.ToJsonString());

        var reopened = new ApiKeyStore(path);

        Assert.True(reopened.Verify(adminKey)!.IsAdmin);
        Assert.Null(reopened.Verify(tenantKey)!.Role);
        Assert.False(reopened.Verify(tenantKey)!.IsAdmin);
    }

    public static TheoryData<string, string> Corruptions => new()
    {
        { "truncated", "line " },
        { "not-json", "line " },
        { "null", "JSON null" },
        { "short-hash", "key #1 has a missing or malformed 'hash'" },
        { "no-salt", "key #1 has a missing or malformed 'salt'" },
        { "bad-role", "key #1 has a missing or malformed 'role'" },
        { "newer-version", "format version 9" },
        { "duplicate-id", "key #2 repeats the id" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Load_CorruptKeysFile_FailsClosedNamingThePlaceWithoutSecrets(string corruption, string expected)
    {
        using var home = new TempDir();
        var path = HearthHome.KeysFile(home.Path);
        var store = new ApiKeyStore(path);
        var (record, key) = store.Create("t");
        var text = File.ReadAllText(path);
        File.WriteAllText(path, Corrupt(text, corruption, record));

        var reopened = new ApiKeyStore(path);
        var error = Assert.Throws<ApiKeyFileException>(() => reopened.List());
        var create = Assert.Throws<ApiKeyFileException>(() => reopened.Create("x"));

        Assert.Equal(ApiKeyAuthState.Unavailable, reopened.State);
        Assert.Null(reopened.Verify(key));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), error.Message);
        Assert.Contains("hearth keys create", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(record.Hash[..12], error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(record.Salt[..12], error.Message, StringComparison.Ordinal);
        Assert.Equal(error.Message, reopened.LoadError!.Message);
        Assert.Equal(Corrupt(text, corruption, record), File.ReadAllText(path)); // create did not overwrite it
        _ = create;
    }

    private static string Corrupt(string text, string corruption, ApiKeyRecord record)
    {
        var hashAt = text.IndexOf("\"hash\": \"", StringComparison.Ordinal) + 9;
        return corruption switch
        {
            // Cut inside the hash, so a parser message quoting the text around the error would quote part of it.
            "truncated" => text[..(hashAt + 20)],
            "not-json" => text[..(hashAt - 1)] + " " + text[hashAt..],
            "null" => "null",
            "short-hash" => Edit(text, k => k["hash"] = record.Hash[..20]),
            "no-salt" => Edit(text, k => k["salt"] = null),
            "bad-role" => Edit(text, k => k["role"] = "root"),
            "newer-version" => Edit(text, (_, doc) => doc["version"] = 9),
            "duplicate-id" => Edit(text, (k, doc) => doc["keys"]!.AsArray().Add(k.DeepClone())),
            _ => throw new ArgumentOutOfRangeException(nameof(corruption)),
        };
    }

    private static string Edit(string text, Action<JsonObject> editFirstKey) => Edit(text, (k, _) => editFirstKey(k));

    private static string Edit(string text, Action<JsonObject, JsonNode> edit)
    {
        var doc = JsonNode.Parse(text)!;
        edit(doc["keys"]![0]!.AsObject(), doc);
        return doc.ToJsonString();
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

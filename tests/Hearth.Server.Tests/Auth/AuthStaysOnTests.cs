using Hearth.Server.Auth;
using Hearth.Server.Configuration;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;

namespace Hearth.Server.Tests.Auth;

/// <summary>A node that has had keys, or is configured <c>Server:Auth = Required</c>, never opens again by itself; a keys file it cannot read closes it.</summary>
public sealed class AuthStaysOnTests
{
    [Fact]
    public async Task Node_LastKeyRevoked_RevokedKeyAndAnonymousGet401()
    {
        using var home = new TempDir();
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home));
        var (record, key) = node.Keys.Create("a");
        var before = await RawHttp.SendAsync(node.BaseAddress, "GET", "/v1/models", key);

        node.Keys.Revoke(record.Id);
        var revoked = await RawHttp.SendAsync(node.BaseAddress, "GET", "/v1/models", key);
        var anonymous = await RawHttp.SendAsync(node.BaseAddress, "GET", "/v1/models");
        var tags = await RawHttp.SendAsync(node.BaseAddress, "GET", "/api/tags");
        var health = await RawHttp.SendAsync(node.BaseAddress, "GET", "/healthz");

        Assert.Equal(200, before.Status);
        Assert.Equal(401, revoked.Status);
        Assert.Contains("invalid_api_key", revoked.Body, StringComparison.Ordinal);
        Assert.Equal(401, anonymous.Status);
        Assert.Contains("no active one", anonymous.Body, StringComparison.Ordinal);
        Assert.Equal(401, tags.Status);
        Assert.Equal(200, health.Status);
    }

    [Fact]
    public async Task Node_KeysFileDeletedThenRestarted_Anonymous401()
    {
        using var home = new TempDir();
        new ApiKeyStore(HearthHome.KeysFile(home.Path)).Create("a");
        File.Delete(HearthHome.KeysFile(home.Path));

        await using var node = await TestNodes.StartAsync(TestNodes.Options(home));
        var anonymous = await RawHttp.SendAsync(node.BaseAddress, "POST", "/v1/chat/completions",
            body: """{"model":"x","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(ApiKeyAuthState.Required, node.Keys.State);
        Assert.Equal(401, anonymous.Status);
    }

    [Fact]
    public async Task Node_ConfiguredAuthRequiredWithoutAnyKey_Anonymous401AndHealthOpen()
    {
        using var home = new TempDir();
        var options = TestNodes.Options(home) with { Server = new ServerOptions { Host = "127.0.0.1", Port = 0, Auth = ServerOptions.AuthRequired } };

        await using var node = await TestNodes.StartAsync(options);
        var anonymous = await RawHttp.SendAsync(node.BaseAddress, "GET", "/api/tags");
        var version = await RawHttp.SendAsync(node.BaseAddress, "GET", "/api/version");

        Assert.Equal(401, anonymous.Status);
        Assert.Equal(200, version.Status);
        Assert.False(File.Exists(HearthHome.KeysFile(home.Path)));
    }

    [Fact]
    public void Validate_UnknownAuthMode_NamesTheKey()
    {
        var options = new HearthOptions { Server = new ServerOptions { Auth = "Off" } };

        var error = Assert.Throws<HearthConfigException>(() => HearthOptionsValidator.Validate(options));

        Assert.Contains("Server:Auth 'Off'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_CorruptKeysFileAtStart_RefusesToStartNamingTheFile()
    {
        using var home = new TempDir();
        var (record, _) = new ApiKeyStore(HearthHome.KeysFile(home.Path)).Create("a");
        var path = HearthHome.KeysFile(home.Path);
        File.WriteAllText(path, File.ReadAllText(path)[..^5]);

        var error = await Assert.ThrowsAsync<ApiKeyFileException>(() => TestNodes.StartAsync(TestNodes.Options(home)));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(record.Hash, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_KeysFileCorruptedWhileRunning_FailsClosedWith503()
    {
        using var home = new TempDir();
        var path = HearthHome.KeysFile(home.Path);
        var (record, key) = new ApiKeyStore(path).Create("a");
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home));
        var before = await RawHttp.SendAsync(node.BaseAddress, "GET", "/v1/models", key);

        File.WriteAllText(path, "{ \"version\": 1, \"keys\": [ { \"id\": ");
        // The node re-reads the file at most once a second; 60 s only bounds a hang on a loaded machine.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        (int Status, string Body) after;
        do
        {
            await Task.Delay(100);
            after = await RawHttp.SendAsync(node.BaseAddress, "GET", "/v1/models", key);
        }
        while (after.Status == 200 && DateTime.UtcNow < deadline);
        var anonymous = await RawHttp.SendAsync(node.BaseAddress, "GET", "/v1/models");
        var health = await RawHttp.SendAsync(node.BaseAddress, "GET", "/healthz");

        Assert.Equal(200, before.Status);
        Assert.Equal(503, after.Status);
        Assert.Contains("keys_unavailable", after.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(path, after.Body, StringComparison.Ordinal); // the client learns that, not where
        Assert.DoesNotContain(record.Hash, after.Body, StringComparison.Ordinal);
        Assert.Equal(503, anonymous.Status);
        Assert.Equal(200, health.Status);
    }
}

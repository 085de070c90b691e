using Hearth.TestSupport;

namespace Hearth.Cli.Tests.Commands;

/// <summary>End to end through the built <c>hearth</c> command: keys create, list, revoke.</summary>
public sealed class KeysCommandsTests
{
    [Fact]
    public async Task Keys_CreateListRevoke_PrintsKeyOnceAndRevokes()
    {
        using var home = new TempDir();

        var create = await HearthProcess.RunAsync(home.Path, "keys", "create", "--tenant", "library", "--name", "front desk");
        var key = create.Stdout.Trim();
        var id = key[3..key.IndexOf('.')];
        var list = await HearthProcess.RunAsync(home.Path, "keys", "list");
        var revoke = await HearthProcess.RunAsync(home.Path, "keys", "revoke", id);
        var listAfter = await HearthProcess.RunAsync(home.Path, "keys", "list");

        Assert.Equal(0, create.ExitCode);
        Assert.StartsWith("hk-", key);
        Assert.Contains("library", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(key[(key.IndexOf('.') + 1)..], File.ReadAllText(Path.Combine(home.Path, "keys.json")), StringComparison.Ordinal);
        Assert.Equal(0, revoke.ExitCode);
        Assert.Contains("revoked", listAfter.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_CreateAdminThenRevokeLast_ListsRoleAndSaysTheNodeStaysClosed()
    {
        using var home = new TempDir();

        var create = await HearthProcess.RunAsync(home.Path, "keys", "create", "--tenant", "ops", "--admin");
        var key = create.Stdout.Trim();
        var id = key[3..key.IndexOf('.')];
        var list = await HearthProcess.RunAsync(home.Path, "keys", "list");
        var revoke = await HearthProcess.RunAsync(home.Path, "keys", "revoke", id);

        Assert.Equal(0, create.ExitCode);
        Assert.Contains($"admin key {id} for tenant 'ops' created", create.Stderr, StringComparison.Ordinal);
        Assert.Contains("now requires an API key on every request", create.Stderr, StringComparison.Ordinal);
        Assert.Contains("admin", list.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, revoke.ExitCode);
        Assert.Contains("last active key", revoke.Stderr, StringComparison.Ordinal);
        Assert.Contains("401", revoke.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(home.Path, "auth-required")));
    }

    [Fact]
    public async Task Keys_CorruptKeysFile_ExitsNonZeroNamingTheFileAndLeavesItAsItWas()
    {
        using var home = new TempDir();
        var create = await HearthProcess.RunAsync(home.Path, "keys", "create", "--tenant", "library");
        var path = Path.Combine(home.Path, "keys.json");
        var corrupt = File.ReadAllText(path)[..^10];
        File.WriteAllText(path, corrupt);

        var list = await HearthProcess.RunAsync(home.Path, "keys", "list");
        var again = await HearthProcess.RunAsync(home.Path, "keys", "create", "--tenant", "library");
        var serve = await HearthProcess.RunAsync(home.Path, "serve", "--port", "0");

        Assert.Equal(0, create.ExitCode);
        Assert.Equal(1, list.ExitCode);
        Assert.Contains(path, list.Stderr, StringComparison.Ordinal);
        Assert.Contains("hearth keys create", list.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("\"hash\"", list.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal(2, serve.ExitCode);
        Assert.Contains(path, serve.Stderr, StringComparison.Ordinal);
        Assert.Equal(corrupt, File.ReadAllText(path));
    }
}

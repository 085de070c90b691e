using System.CommandLine;

namespace Hearth.Cli.Tests;

/// <summary><see cref="Program.BuildRoot"/>: every verb group registers its verbs once, in the order help lists them.</summary>
public sealed class ProgramTests
{
    [Fact]
    public void BuildRoot_EveryVerbGroup_RegistersItsVerbsOnceInOrder()
    {
        var root = Program.BuildRoot();

        Assert.Equal(
            ["import", "quantize", "tokenize", "generate", "serve", "run", "pull", "models", "show", "rm", "keys", "ledger", "router", "bench", "dev"],
            root.Subcommands.Select(c => c.Name));
        Assert.Equal(["engine", "gateway", "ledger", "router"], Group(root, "bench").Subcommands.Select(c => c.Name));
        Assert.Equal(["create", "list", "revoke"], Group(root, "keys").Subcommands.Select(c => c.Name));
        Assert.Equal(["make-model"], Group(root, "dev").Subcommands.Select(c => c.Name));
    }

    private static Command Group(RootCommand root, string name) => Assert.Single(root.Subcommands, c => c.Name == name);
}

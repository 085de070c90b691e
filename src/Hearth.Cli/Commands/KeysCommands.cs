using System.CommandLine;
using System.Globalization;
using Hearth.Server.Auth;
using Hearth.Server.Configuration;
using Spectre.Console;
using static Hearth.Cli.Commands.NodeSettings;

namespace Hearth.Cli.Commands;

/// <summary>Verbs: keys create, keys list, keys revoke (the node's API keys).</summary>
internal static class KeysCommands
{
    public static void AddTo(CliContext cli) => cli.Root.Subcommands.Add(Keys());

    private static Command Keys()
    {
        var keys = new Command("keys", "API keys (hashed at rest, one tenant and role each). A node that has never had a key needs none; once it has had one, every API call must send an active key.");
        var tenant = new Option<string>("--tenant") { Description = "Tenant the key belongs to (ledger and budgets group by it).", Required = true };
        var label = new Option<string?>("--name") { Description = "A label to recognise the key by." };
        var admin = new Option<bool>("--admin") { Description = "An admin key: also pulls and deletes models, reads every tenant's ledger, /metrics and ledger verification." };
        var home = HomeOption();
        var create = new Command("create", "Create a key; it is printed once and never stored.") { tenant, label, admin, home };
        create.SetAction((ParseResult r) =>
        {
            var store = new ApiKeyStore(HearthHome.KeysFile(HearthHome.Resolve(r.GetValue(home))));
            var first = store.State == ApiKeyAuthState.Off;
            var (record, key) = store.Create(r.GetValue(tenant)!, r.GetValue(label), r.GetValue(admin) ? ApiKeyRoles.Admin : ApiKeyRoles.Tenant);
            Console.Out.WriteLine(key);
            Console.Error.WriteLine($"{record.Role} key {record.Id} for tenant '{record.Tenant}' created; store it now, it cannot be shown again.");
            if (first)
            {
                Console.Error.WriteLine($"This node now requires an API key on every request, also after all keys are revoked ({store.RequiredMarkerPath}).");
            }
            return 0;
        });
        var listHome = HomeOption();
        var list = new Command("list", "List keys (ids, tenants, roles, dates; never the keys).") { listHome };
        list.SetAction((ParseResult r) =>
        {
            var store = new ApiKeyStore(HearthHome.KeysFile(HearthHome.Resolve(r.GetValue(listHome))));
            var table = new Table().AddColumns("id", "tenant", "role", "name", "created", "status");
            foreach (var k in store.List())
            {
                table.AddRow(Markup.Escape(k.Id), Markup.Escape(k.Tenant), k.IsAdmin ? ApiKeyRoles.Admin : ApiKeyRoles.Tenant, Markup.Escape(k.Name ?? ""),
                    k.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    k.RevokedAt is { } at ? "revoked " + at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "active");
            }
            Terminal.Stdout.Write(table);
            return 0;
        });
        var id = new Argument<string>("id") { Description = "Key id (from 'hearth keys list')." };
        var revokeHome = HomeOption();
        var revoke = new Command("revoke", "Revoke a key; a running node refuses it within a second.") { id, revokeHome };
        revoke.SetAction((ParseResult r) =>
        {
            var store = new ApiKeyStore(HearthHome.KeysFile(HearthHome.Resolve(r.GetValue(revokeHome))));
            if (!store.Revoke(r.GetValue(id)!))
            {
                Console.Error.WriteLine($"No active key with id '{r.GetValue(id)}'.");
                return 1;
            }
            Console.Out.WriteLine($"revoked {r.GetValue(id)}");
            if (store.ActiveKeyCount == 0)
            {
                Console.Error.WriteLine("That was the last active key. Authentication stays on: every API request now gets 401 until a key is "
                    + "created with 'hearth keys create --tenant NAME --admin'. (/healthz, /readyz and /api/version stay open.)");
            }
            return 0;
        });
        keys.Subcommands.Add(create);
        keys.Subcommands.Add(list);
        keys.Subcommands.Add(revoke);
        return keys;
    }
}

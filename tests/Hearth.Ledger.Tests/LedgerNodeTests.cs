using Hearth.Contracts;
using Hearth.Ledger.Chat;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;
using Microsoft.Extensions.AI;

namespace Hearth.Ledger.Tests;

public class LedgerNodeTests
{
    private sealed class EchoClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { Usage = new UsageDetails { InputTokenCount = 4, OutputTokenCount = 2 } });

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("not used by this test");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    [Theory]
    [InlineData(LedgerDurability.GroupCommit)]
    [InlineData(LedgerDurability.Journal)]
    public async Task OpenAsync_SqliteNode_MetersAppendsAndVerifiesAfterShutdown(LedgerDurability durability)
    {
        using var dir = new Hearth.TestSupport.TempDir();
        var options = new LedgerOptions
        {
            NodeId = "node-test",
            Zone = "FRA",
            Store = new LedgerStoreOptions { Connection = dir.File("ledger.db"), CheckpointEveryEntries = 3, Durability = durability },
            Budgets = [new BudgetRule { Subject = "acme", MaxWattHours = 1e-12, Policy = BudgetPolicy.Refuse }],
        };
        await using (var node = await LedgerNode.OpenAsync(options, null, null, CancellationToken.None))
        {
            Hearth.Ledger.Entries.LedgerEntry? appended = null;
            using var client = new EchoClient().UseHearthMetering(node.Meter, node.Writer, new MeteringChatClientOptions { Budgets = node.Budgets, OnEntry = e => appended = e });
            for (var i = 0; i < 5; i++)
            {
                var chatOptions = new ChatOptions { ModelId = "m" };
                chatOptions.SetRequestFacts(new RequestFacts { Tenant = "acme" });
                var r = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], chatOptions);
                var entry = appended!;
                Assert.Equal(entry.EntryId.ToString("N"), r.GetMeterResult()?.EntryId);
                // Group commit returns the sealed entry; journal durability returns once journaled (sealed later).
                Assert.Equal(durability == LedgerDurability.GroupCommit ? i + 1 : 0, entry.Sequence);
            }
            Assert.Equal(Hearth.Ledger.Budgets.BudgetOutcome.Refuse, node.Budgets.Check("acme", "").Outcome);
        }
        Assert.True(File.Exists(dir.File(NodeKey.FileName)));
        Assert.Empty(Directory.GetFiles(dir.Path, "ledger-journal-*.bin"));
        await using var store = new SqliteLedgerStore(dir.File("ledger.db"));
        var v = await LedgerVerifier.VerifyAsync(store, [NodeKey.TryReadPublicKey(dir.Path)!], CancellationToken.None);
        Assert.True(v.IsValid, v.Message);
        Assert.Equal(5, v.EntriesChecked);
        Assert.InRange(v.CheckpointsChecked, 1, 2); // at entry 3 (every 3) when batched so, and one at shutdown (entry 5)
    }
}

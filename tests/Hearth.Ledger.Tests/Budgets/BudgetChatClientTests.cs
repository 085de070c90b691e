using System.Runtime.CompilerServices;
using Hearth.Contracts;
using Hearth.Ledger.Budgets;
using Hearth.Ledger.Chat;
using Hearth.Ledger.Options;
using Microsoft.Extensions.AI;

namespace Hearth.Ledger.Tests.Budgets;

public class BudgetChatClientTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A chat client that answers with its name and remembers the model id of each call.</summary>
    private sealed class NamedClient(string name) : IChatClient
    {
        public List<string?> Calls { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls.Add(options?.ModelId);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, name)));
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Calls.Add(options?.ModelId);
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, name);
            yield return new ChatResponseUpdate(ChatRole.Assistant, "!");
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    /// <summary>Budgets whose rule for tenant acme (1 Wh a day, <paramref name="policy"/>) is exhausted when <paramref name="exhausted"/>.</summary>
    internal static BudgetGuard Budgets(BudgetPolicy policy, bool exhausted = true)
    {
        var guard = new BudgetGuard([new BudgetRule { Subject = "acme", MaxWattHours = 1, Policy = policy }], new ManualTimeProvider(Noon));
        if (exhausted)
        {
            guard.Record(Fixtures.Entry(0) with { Timestamp = Noon, Tenant = "acme", EnergyWattHours = 2 });
        }
        return guard;
    }

    private static ChatOptions Acme(string model = "gpt")
    {
        var options = new ChatOptions { ModelId = model };
        options.SetRequestFacts(new RequestFacts { Tenant = "acme" });
        return options;
    }

    private static async Task<List<ChatResponseUpdate>> StreamAsync(IChatClient client, ChatOptions options)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], options))
        {
            updates.Add(u);
        }
        return updates;
    }

    [Fact]
    public async Task GetResponse_WithinBudget_PassesThroughWithoutNotice()
    {
        var inner = new NamedClient("remote");
        using var client = new BudgetChatClient(inner, Budgets(BudgetPolicy.Refuse, exhausted: false), modelIsLocal: false);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], Acme());

        Assert.Equal("remote", response.Text);
        Assert.Equal(["gpt"], inner.Calls);
        Assert.Null(response.GetBudgetDowngrade());
    }

    [Fact]
    public async Task GetResponse_RefuseExhausted_ThrowsBudgetExceededWithoutCallingInner()
    {
        var inner = new NamedClient("remote");
        using var client = new BudgetChatClient(inner, Budgets(BudgetPolicy.Refuse), modelIsLocal: true);

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], Acme()));

        Assert.Empty(inner.Calls);
        Assert.Equal((RequestErrorKind.QuotaExceeded, "budget_exceeded", null, true), (ex.Kind, ex.Code, ex.Param, ex.RefusedBeforeWork));
        Assert.Contains("acme: 1 Wh per day", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponse_DowngradeOnRemoteModel_ServedByLocalTargetWithNotice()
    {
        var inner = new NamedClient("remote");
        var local = new NamedClient("local");
        using var client = new BudgetChatClient(inner, Budgets(BudgetPolicy.Downgrade), modelIsLocal: false, () => new BudgetDowngradeTarget(local, "tiny"));
        var options = Acme();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], options);

        Assert.Equal("local", response.Text);
        Assert.Empty(inner.Calls);
        Assert.Equal(["tiny"], local.Calls);
        Assert.Equal("gpt", options.ModelId);   // the caller's options are not changed
        var notice = response.GetBudgetDowngrade();
        Assert.NotNull(notice);
        Assert.Equal(("gpt", "tiny"), (notice.RequestedModel, notice.ServedBy));
        Assert.Contains("Serving with the local model instead.", notice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponse_DowngradeOnLocalModel_PassesThroughAsAsked()
    {
        var inner = new NamedClient("local-asked");
        var local = new NamedClient("smallest");
        using var client = new BudgetChatClient(inner, Budgets(BudgetPolicy.Downgrade), modelIsLocal: true, () => new BudgetDowngradeTarget(local, "tiny"));

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], Acme("big"));

        Assert.Equal("local-asked", response.Text);
        Assert.Equal(["big"], inner.Calls);
        Assert.Empty(local.Calls);
        Assert.Null(response.GetBudgetDowngrade());
    }

    [Fact]
    public async Task GetResponse_DowngradeWithoutLocalModel_ThrowsSayingSo()
    {
        var inner = new NamedClient("remote");
        using var client = new BudgetChatClient(inner, Budgets(BudgetPolicy.Downgrade), modelIsLocal: false, () => null);

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], Acme()));

        Assert.Empty(inner.Calls);
        Assert.EndsWith(" No local model is installed to downgrade to.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponse_DowngradeOnRemoteModel_FirstUpdateAloneCarriesNotice()
    {
        var inner = new NamedClient("remote");
        var local = new NamedClient("local");
        using var client = new BudgetChatClient(inner, Budgets(BudgetPolicy.Downgrade), modelIsLocal: false, () => new BudgetDowngradeTarget(local, "tiny"));

        var updates = await StreamAsync(client, Acme());

        Assert.Equal("local!", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(["tiny"], local.Calls);
        Assert.Equal(("gpt", "tiny"), (updates[0].GetBudgetDowngrade()?.RequestedModel, updates[0].GetBudgetDowngrade()?.ServedBy));
        Assert.Null(updates[1].GetBudgetDowngrade());
    }

    [Fact]
    public async Task GetStreamingResponse_RefuseExhausted_ThrowsBeforeFirstUpdate()
    {
        var inner = new NamedClient("remote");
        using var client = new BudgetChatClient(inner, Budgets(BudgetPolicy.Refuse), modelIsLocal: false);

        await Assert.ThrowsAsync<BudgetExceededException>(() => StreamAsync(client, Acme()));

        Assert.Empty(inner.Calls);
    }

    [Fact]
    public async Task UseBudgets_ChatClientBuilder_AddsStageAboveInner()
    {
        var inner = new NamedClient("remote");
        using var client = new ChatClientBuilder(inner).UseBudgets(Budgets(BudgetPolicy.Refuse), modelIsLocal: false).Build();

        await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], Acme()));

        Assert.IsType<BudgetChatClient>(client);
        Assert.Empty(inner.Calls);
    }
}

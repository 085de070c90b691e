using System.Reflection;
using Hearth.Contracts;
using Microsoft.Extensions.AI;

namespace Hearth.Contracts.Tests;

public class RequestContextTests
{
    [Fact]
    public void RequestFacts_AbsentByDefault_ReadAsNone()
    {
        Assert.Same(RequestFacts.None, new ChatOptions().GetRequestFacts());
        Assert.Same(RequestFacts.None, ((ChatOptions?)null).GetRequestFacts());
    }

    [Fact]
    public void RequestFacts_SurviveClone_AndAStageCanReplaceThemWithoutTouchingTheCallersOptions()
    {
        var options = new ChatOptions();
        options.SetRequestFacts(new RequestFacts { Tenant = "parks", ApiKeyId = "k1", Confidential = true });
        var clone = options.Clone();
        Assert.Equal("parks", clone.GetRequestFacts().Tenant);
        clone.SetRequestFacts(clone.GetRequestFacts() with { RequestedModel = "m" });
        Assert.Null(options.GetRequestFacts().RequestedModel);
        Assert.Equal("m", clone.GetRequestFacts().RequestedModel);
        Assert.Equal("k1", clone.GetRequestFacts().ApiKeyId);
    }

    [Fact]
    public void Flags_SetFalseOrNull_RemoveTheEntry()
    {
        var options = new ChatOptions();
        options.SetRawPrompt(true);
        Assert.True(options.IsRawPrompt());
        options.SetRawPrompt(false);
        Assert.False(options.IsRawPrompt());
        Assert.Empty(options.AdditionalProperties!);
        options.SetKeepAlive(TimeSpan.FromMinutes(3));
        Assert.Equal(TimeSpan.FromMinutes(3), options.GetKeepAlive());
        options.SetKeepAlive(null);
        Assert.Null(options.GetKeepAlive());
    }

    [Fact]
    public void PromptTokensObserver_IsCalledOnce_WithTheCount()
    {
        long seen = -1;
        var options = new ChatOptions();
        options.ReportPromptTokens(5); // no observer: nothing happens
        options.SetPromptTokensObserver(n => seen = n);
        options.ReportPromptTokens(42);
        Assert.Equal(42, seen);
    }

    [Fact]
    public void EngineCpuTime_RoundTripsThroughTheUsageCounts_InMicroseconds()
    {
        var usage = new UsageDetails { InputTokenCount = 3 };
        Assert.Null(usage.GetEngineCpuTime());
        usage.SetEngineCpuTime(TimeSpan.FromMilliseconds(12.5));
        Assert.Equal(TimeSpan.FromMicroseconds(12_500), usage.GetEngineCpuTime());
        Assert.Equal(12_500, usage.AdditionalCounts!.Values.Single());
    }

    [Fact]
    public void ResponseResults_AreTypedAndIndependentPerObject()
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "hi"));
        response.SetRoutingOutcome(new RoutingOutcome("local-small", "short question", Degraded: true));
        response.SetMeterResult(new MeterResult("ab", "modelled", new MeteredFigures(0.5, 0.2, 0.1, 0.05, 0.001)));
        response.SetTokenLogProbs([new TokenLogProb("hi", -0.1f, 7)]);
        Assert.True(response.GetRoutingOutcome()!.Degraded);
        Assert.Equal(0.15, response.GetMeterResult()!.Figures!.TotalGramsCo2e, 12);
        Assert.Equal(7, response.GetTokenLogProbs()!.Single().TokenId);
        var update = new ChatResponseUpdate(ChatRole.Assistant, "x");
        Assert.Null(update.GetMeterResult());
        Assert.Null(update.GetRoutingOutcome());
    }

    [Fact]
    public void ToolCallWire_LivesOnTheCall()
    {
        var call = new FunctionCallContent("c1", "f");
        Assert.Null(call.GetToolCallWire());
        call.SetToolCallWire(new ToolCallWire("{\"a\": 1}", 2));
        Assert.Equal(2, call.GetToolCallWire()!.Index);
    }

    [Fact]
    public void EveryKey_IsDistinct_AndSpelledOnlyInThisAssembly()
    {
        var keys = typeof(RequestContext).GetFields(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToArray();
        Assert.True(keys.Length > 10);
        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(keys, k => Assert.StartsWith("hearth.", k, StringComparison.Ordinal));
    }
}

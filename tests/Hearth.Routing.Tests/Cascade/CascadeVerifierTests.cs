using System.Text.Json;
using Hearth.Routing.Cascade;
using Hearth.Routing.Learning;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Tests.Cascade;

public sealed class CascadeVerifierTests
{
    private static readonly ChatMessage[] s_prompt = [new(ChatRole.User, "What is 2 + 2?")];

    private static ChatResponse Answer(string text) => new(new ChatMessage(ChatRole.Assistant, text));

    private sealed class FixedLogProbs(params double[] values) : ILogProbSource
    {
        public bool TryGetTokenLogProbs(ChatResponse response, out IReadOnlyList<double> logProbs)
        {
            logProbs = values;
            return values.Length > 0;
        }
    }

    private sealed class FixedSamples(params string[] samples) : ISelfConsistencySampler
    {
        public Task<IReadOnlyList<string>> SampleAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, int count, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>(samples.Take(count).ToArray());
    }

    [Fact]
    public async Task Verify_PlainGoodAnswer_Accepts()
    {
        var v = await new CascadeVerifier().VerifyAsync(s_prompt, Answer("2 + 2 = 4"), null, CancellationToken.None);
        Assert.True(v.Accept, v.Reason);
    }

    [Theory]
    [InlineData("{\"a\": 1", "json-invalid")]
    [InlineData("{\"name\": \"x\"}", "missing required property 'age'")]
    [InlineData("{\"name\": \"x\", \"age\": \"old\"}", "expected type")]
    public async Task Verify_JsonFormat_EscalatesInvalidOrSchemaMismatch(string text, string reason)
    {
        using var schema = JsonDocument.Parse("{\"type\":\"object\",\"required\":[\"name\",\"age\"],\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\"}}}");
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "person") };
        var v = await new CascadeVerifier().VerifyAsync(s_prompt, Answer(text), options, CancellationToken.None);
        Assert.False(v.Accept);
        Assert.Contains(reason, v.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_JsonInFence_MatchingSchema_Accepts()
    {
        using var schema = JsonDocument.Parse("{\"type\":\"object\",\"required\":[\"age\"],\"properties\":{\"age\":{\"type\":\"integer\"}}}");
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "p") };
        var v = await new CascadeVerifier().VerifyAsync(s_prompt, Answer("```json\n{\"age\": 4}\n```"), options, CancellationToken.None);
        Assert.True(v.Accept, v.Reason);
    }

    [Fact]
    public async Task Verify_Refusal_Escalates()
    {
        var v = await new CascadeVerifier().VerifyAsync(s_prompt, Answer("I'm sorry, but I can't help with that."), null, CancellationToken.None);
        Assert.False(v.Accept);
        Assert.Equal("refusal phrase", v.Reason);
    }

    [Fact]
    public async Task Verify_Hedging_Escalates()
    {
        var v = await new CascadeVerifier().VerifyAsync(s_prompt, Answer("I think it might be 4, perhaps 5, I'm not sure."), null, CancellationToken.None);
        Assert.False(v.Accept);
        Assert.Contains("hedging", v.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_LowMeanLogProb_Escalates_HighAccepts()
    {
        var low = await new CascadeVerifier(logProbs: new FixedLogProbs(-2.0, -1.5, -3.0)).VerifyAsync(s_prompt, Answer("4"), null, CancellationToken.None);
        Assert.False(low.Accept);
        Assert.Contains("mean log-prob", low.Reason, StringComparison.Ordinal);
        var spike = await new CascadeVerifier(logProbs: new FixedLogProbs([-12.0, .. Enumerable.Repeat(-0.1, 20)])).VerifyAsync(s_prompt, Answer("4"), null, CancellationToken.None);
        Assert.False(spike.Accept);
        Assert.Contains("min token", spike.Reason, StringComparison.Ordinal);
        var high = await new CascadeVerifier(logProbs: new FixedLogProbs(-0.1, -0.2)).VerifyAsync(s_prompt, Answer("4"), null, CancellationToken.None);
        Assert.True(high.Accept);
    }

    [Fact]
    public async Task Verify_SelfConsistency_DisagreementEscalates()
    {
        var options = new CascadeVerifierOptions { SelfConsistencySamples = 4, MinAgreement = 0.5 };
        var disagree = await new CascadeVerifier(options, sampler: new FixedSamples("5", "6", "4", "7")).VerifyAsync(s_prompt, Answer("The answer is 4"), null, CancellationToken.None);
        Assert.False(disagree.Accept);
        var agree = await new CascadeVerifier(options, sampler: new FixedSamples("4", "four is 4", "4.0", "7")).VerifyAsync(s_prompt, Answer("The answer is 4"), null, CancellationToken.None);
        Assert.True(agree.Accept, agree.Reason);
    }

    [Fact]
    public async Task Verify_LearnedScorer_WrongArithmeticScoresHigher()
    {
        var scorer = EmbeddedRouters.Cascade();
        var prompt = "A farmer has 12 cows and buys 7 more. Then he sells 5. How many cows does he have now?";
        var good = scorer.EscalationScore(prompt, "He has 12 + 7 = 19 cows. After selling 5 he has 19 - 5 = 14.\n#### 14");
        var bad = scorer.EscalationScore(prompt, "He has 12 + 7 = 21 cows. After selling 5 he has 21 - 5 = 17. However, I'm not sure.\n#### 17");
        Assert.True(bad > good, $"bad {bad} good {good}");
        var verifier = new CascadeVerifier(new CascadeVerifierOptions { ScorerEscalationShare = 0.3 }, scorer);
        var v = await verifier.VerifyAsync([new ChatMessage(ChatRole.User, prompt)], Answer("He has 12 + 7 = 21 cows. After selling 5 he has 21 - 5 = 17. However, I'm not sure.\n#### 17"), null, CancellationToken.None);
        Assert.Contains("scorer", v.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_PredictiveModelAsScorer_Throws() =>
        Assert.Throws<ArgumentException>(() => new CascadeVerifier(scorer: EmbeddedRouters.Predictive()));
}

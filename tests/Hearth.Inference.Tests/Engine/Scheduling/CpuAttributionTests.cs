using Hearth.Inference.Tests.Engine;
using Hearth.Contracts;
using Hearth.Inference.Engine;
using Microsoft.Extensions.AI;

namespace Hearth.Inference.Tests.Engine.Scheduling;

/// <summary>Per-sequence CPU time: each batched step's thread CPU time is charged to its sequences by their tokens in it.</summary>
public sealed class CpuAttributionTests(StoriesGgufFixture stories) : IClassFixture<StoriesGgufFixture>
{
    private static GenerationRequest FromBos(LoadedModel model, int maxTokens) => new()
    {
        PromptTokens = [model.Tokenizer.BosTokenId],
        Sampling = SamplingOptions.Greedy,
        MaxTokens = maxTokens,
    };

    private static async Task<List<GeneratedToken>> Collect(LoadedModel model, GenerationRequest request)
    {
        var tokens = new List<GeneratedToken>();
        await foreach (var t in model.GenerateAsync(request, CancellationToken.None))
        {
            tokens.Add(t);
        }
        return tokens;
    }

    [Fact]
    public async Task Step_TwoPromptsInOneStep_CpuSplitExactlyByTheirTokens()
    {
        using var model = LoadedModel.Load(stories.F32, new EngineOptions { Threads = 2, MaxConcurrentSequences = 2, PrefillBatchTokens = 128 });
        var vocabulary = model.Hyperparameters.VocabularySize;
        int[] promptA = [.. Enumerable.Range(300, 8)];
        int[] promptB = [.. Enumerable.Range(259, 64)];
        await Collect(model, FromBos(model, 4));   // warm-up (JIT)
        // Both sequences join before either submits, so the scheduler holds A's step (≤ 2 ms) for B's; on a busy machine B
        // can still miss it, so try a few times — the split is checked exactly whenever one step held both.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var a = model.Scheduler.Join(model.CreateCache(promptA.Length));
            using var b = model.Scheduler.Join(model.CreateCache(promptB.Length));
            var before = model.SchedulerStatistics;
            var stepA = a.StepAsync(promptA, new float[vocabulary], null, CancellationToken.None);
            var stepB = b.StepAsync(promptB, new float[vocabulary], null, CancellationToken.None);
            await Task.WhenAll(stepA, stepB);
            var after = model.SchedulerStatistics;
            if (after.Steps - before.Steps != 1)
            {
                continue;
            }
            var stepCpu = after.CpuSeconds - before.CpuSeconds;
            Assert.True(stepCpu > 0);
            Assert.Equal(stepCpu * 8 / 72, a.CpuSeconds!.Value, 12);
            Assert.Equal(stepCpu * 64 / 72, b.CpuSeconds!.Value, 12);
            return;
        }
        Assert.Fail("In 5 attempts the two prompts never shared a step.");
    }

    /// <remarks>
    /// Each step's CPU is split by tokens, but a step shared by two sequences costs less than two solo steps (the weights are
    /// read once; for this tiny model the per-step overhead dominates), so the short sequence — all of whose steps are shared —
    /// pays less per token than the long one does for the steps it runs alone. The ratio therefore lies between the token ratio
    /// (if batching saved nothing) and about twice it (a shared step costs no more than a solo one), plus the
    /// long sequence's growing attention.
    /// </remarks>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task GenerateAsync_TwoConcurrentOfVeryDifferentLengths_CpuRoughlyInProportionToTokens(int threads)
    {
        using var model = LoadedModel.Load(stories.F32, new EngineOptions { Threads = threads, MaxConcurrentSequences = 2 });
        await Collect(model, FromBos(model, 8));   // warm-up (JIT), outside the measurement
        var before = model.SchedulerStatistics;
        var shortRun = Task.Run(() => Collect(model, FromBos(model, 24)));
        var longRun = Task.Run(() => Collect(model, FromBos(model, 192)));
        var (a, b) = (await shortRun, await longRun);
        var after = model.SchedulerStatistics;

        Assert.Equal(24, a.Count);
        Assert.Equal(192, b.Count);
        var cpuA = a[^1].CpuSeconds!.Value;
        var cpuB = b[^1].CpuSeconds!.Value;
        Assert.True(cpuA > 0 && cpuB > 0, $"{cpuA} s and {cpuB} s");
        // Tokens run: BOS + every generated token but the last → 24 and 192, a token ratio of 8. The lower bound is a quarter of
        // it: per-thread CPU time per step rises with contention (caches, memory bandwidth), and in a CI run with the other test
        // assemblies starting at once the short sequence's few steps fell in the busiest second (0.43x was seen). The exact
        // check of the attribution is the sum below; this one only says the long sequence pays several times more.
        Assert.InRange(cpuB / cpuA, 8 * 0.25, 8 * 3.0);
        // Together they were charged all of the steps' CPU time, plus their own sampling (small, never negative).
        var steps = after.CpuSeconds - before.CpuSeconds;
        Assert.InRange(cpuA + cpuB, steps * 0.999, (steps * 1.5) + 0.05);
        // The running figure only grows.
        Assert.All(b.Zip(b.Skip(1)), p => Assert.True(p.Second.CpuSeconds >= p.First.CpuSeconds));
    }

    [Fact]
    public async Task LocalChatClient_Response_UsageCarriesTheEngineCpuMicroseconds()
    {
        using var model = LoadedModel.Load(stories.F32, new EngineOptions { Threads = 2, MaxConcurrentSequences = 1 });
        var client = new LocalChatClient(model);
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 12 };
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Once upon a time")], options);
        var cpu = response.Usage.GetEngineCpuTime();
        Assert.NotNull(cpu);
        Assert.True(cpu > TimeSpan.Zero, $"{cpu.Value.TotalMicroseconds} µs");

        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Once upon a time")], options))
        {
            updates.Add(u);
        }
        var usages = updates.SelectMany(u => u.Contents.OfType<UsageContent>()).ToList();
        var usage = Assert.Single(usages);   // only the last update carries usage
        Assert.Same(updates[^1], updates.Single(u => u.Contents.OfType<UsageContent>().Any()));
        Assert.True(usage.Details.GetEngineCpuTime() > TimeSpan.Zero);
    }
}

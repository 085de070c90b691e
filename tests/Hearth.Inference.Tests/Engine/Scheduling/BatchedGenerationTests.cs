using Hearth.Inference.Tests.Engine;
using Hearth.Inference.Engine;

namespace Hearth.Inference.Tests.Engine.Scheduling;

/// <summary>
/// Several sequences generating at once on one model are batched into shared forward steps; each must produce exactly what it
/// produces alone (same tokens, greedy or seeded sampling, and bit-identical log-probabilities — every kernel computes a
/// token's row on its own, so batching changes no summation order).
/// </summary>
public sealed class BatchedGenerationTests(StoriesGgufFixture stories) : IClassFixture<StoriesGgufFixture>
{
    /// <summary>What a generation produced: token ids, log-probabilities, text and finish reason.</summary>
    private sealed record Output(int[] Ids, float[] LogProbs, string Text, FinishReason? Finish)
    {
        public void AssertSameAs(Output solo, string name)
        {
            Assert.True(solo.Ids.SequenceEqual(Ids), $"{name}: tokens differ from its solo run ({Ids.Length} vs {solo.Ids.Length}).");
            Assert.Equal(solo.LogProbs, LogProbs);   // exact float equality
            Assert.Equal(solo.Text, Text);
            Assert.Equal(solo.Finish, Finish);
        }
    }

    private static LoadedModel Load(string path, int sequences = 4) =>
        LoadedModel.Load(path, new EngineOptions { Threads = 2, MaxConcurrentSequences = sequences, PrefillBatchTokens = 8 });

    private static async Task<Output> Generate(LoadedModel model, GenerationRequest request, CancellationToken cancellationToken = default,
        Action<int>? afterToken = null, int? stopAfter = null)
    {
        var ids = new List<int>();
        var logProbs = new List<float>();
        var text = new System.Text.StringBuilder();
        FinishReason? finish = null;
        await foreach (var token in model.GenerateAsync(request, cancellationToken))
        {
            ids.Add(token.TokenId);
            logProbs.Add(token.LogProbability);
            text.Append(token.Text);
            finish = token.FinishReason;
            afterToken?.Invoke(ids.Count);
            if (ids.Count == stopAfter)
            {
                break;   // the consumer walks away mid-stream
            }
        }
        return new Output([.. ids], [.. logProbs], text.ToString(), finish);
    }

    private static GenerationRequest Greedy(LoadedModel model, string prompt, int maxTokens, params string[] stops) => new()
    {
        PromptTokens = prompt.Length == 0 ? [model.Tokenizer.BosTokenId] : model.Tokenizer.Encode(prompt, addBos: true),
        Sampling = SamplingOptions.Greedy,
        MaxTokens = maxTokens,
        StopStrings = stops,
    };

    /// <summary>
    /// Prompts of 1 to 30-odd tokens (longer than the 8-token prompt chunk) with different budgets and a stop string; one
    /// sequence samples (seeded), the others are greedy.
    /// </summary>
    private static GenerationRequest[] Mix(LoadedModel model) =>
    [
        Greedy(model, "", 60),
        Greedy(model, "Once upon a time, there was a little dog", 45) with { Sampling = new SamplingOptions { Temperature = 0.9f, TopP = 0.95f, Seed = 11 } },
        Greedy(model, "Lily and her mom went to the park. They saw a big tree with red apples. Lily wanted to climb it, but", 70),
        Greedy(model, "The sun was", 80, "."),
    ];

    private static async Task<Output[]> SoloAsync(LoadedModel model, GenerationRequest[] requests)
    {
        var solo = new Output[requests.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            solo[i] = await Generate(model, requests[i]);
        }
        return solo;
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("q8_0")]
    public async Task GenerateAsync_FourConcurrentGreedy_EqualTheirSoloOutputsAndShareSteps(string type)
    {
        using var model = Load(stories.Path(type));
        var requests = Mix(model);
        var solo = await SoloAsync(model, requests);
        Assert.True(requests[2].PromptTokens.Count > 8, "the long prompt must take several prompt chunks");
        Assert.Equal(FinishReason.Stop, solo[3].Finish);   // the stop string ends it early
        Assert.Equal(FinishReason.Length, solo[0].Finish);

        var before = model.SchedulerStatistics;
        var batched = await Task.WhenAll(requests.Select(r => Task.Run(() => Generate(model, r))));
        var after = model.SchedulerStatistics;

        for (var i = 0; i < requests.Length; i++)
        {
            batched[i].AssertSameAs(solo[i], $"sequence {i}");
        }
        var steps = after.Steps - before.Steps;
        var sequenceSteps = after.SequenceSteps - before.SequenceSteps;
        Assert.True(after.MaxSequencesInStep >= 2, "no step held two sequences");
        Assert.True(sequenceSteps > steps, $"{sequenceSteps} sequence-steps in {steps} steps: nothing was batched");
    }

    [Fact]
    public async Task GenerateAsync_SequencesJoiningAndLeavingMidDecode_EqualTheirSoloOutputs()
    {
        using var model = Load(stories.F32);
        var requests = Mix(model);
        var solo = await SoloAsync(model, requests);

        // 0 starts alone; 1 joins after 0's 10th token, 2 (long prompt: its chunks run beside the decodes) after 1's 5th, 3 after 2's 3rd.
        var started = requests.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        int[] joinAfter = [10, 5, 3];
        var runs = new Task<Output>[requests.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            var index = i;
            runs[i] = Task.Run(async () =>
            {
                if (index > 0)
                {
                    await started[index].Task;
                }
                return await Generate(model, requests[index], afterToken: n =>
                {
                    if (index < joinAfter.Length && n == joinAfter[index])
                    {
                        started[index + 1].TrySetResult();
                    }
                });
            });
        }
        var batched = await Task.WhenAll(runs);
        for (var i = 0; i < requests.Length; i++)
        {
            batched[i].AssertSameAs(solo[i], $"sequence {i}");
        }
    }

    [Fact]
    public async Task GenerateAsync_OneCancelledOneAbandoned_OthersEqualTheirSoloOutputs()
    {
        using var model = Load(stories.F32);
        var requests = Mix(model);
        var solo = await SoloAsync(model, requests);

        using var cancelDecode = new CancellationTokenSource();
        using var cancelPrompt = new CancellationTokenSource();
        var keep0 = Task.Run(() => Generate(model, requests[0], afterToken: n =>
        {
            if (n == 2)
            {
                cancelPrompt.Cancel();   // sequence 2 is most likely still in its prompt chunks
            }
        }));
        var cancelled = Task.Run(() => Generate(model, requests[1], cancelDecode.Token, afterToken: n =>
        {
            if (n == 8)
            {
                cancelDecode.Cancel();
            }
        }));
        var cancelledInPrompt = Task.Run(() => Generate(model, requests[2], cancelPrompt.Token));
        var abandoned = Task.Run(() => Generate(model, requests[3], stopAfter: 3));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelledInPrompt);
        var partial = await abandoned;
        (await keep0).AssertSameAs(solo[0], "sequence 0");
        Assert.Equal(solo[3].Ids[..3], partial.Ids);

        // The slots of the cancelled and abandoned sequences were given back: four more run, and still match.
        var again = await Task.WhenAll(requests.Select(r => Task.Run(() => Generate(model, r))));
        for (var i = 0; i < requests.Length; i++)
        {
            again[i].AssertSameAs(solo[i], $"sequence {i} after the cancellations");
        }
    }

    [Fact]
    public async Task EmbedAsync_WhileOthersGenerate_EqualsItsSoloEmbedding()
    {
        using var model = Load(stories.F32);
        const string text = "Lily and her mom went to the park. They saw a big tree with red apples.";
        var solo = await model.EmbedAsync(text, EmbeddingPooling.Mean, CancellationToken.None);
        var requests = Mix(model);
        var generating = Task.WhenAll(requests.Take(3).Select(r => Task.Run(() => Generate(model, r))));
        var embedded = await Task.Run(() => model.EmbedAsync(text, EmbeddingPooling.Mean, CancellationToken.None));
        await generating;
        Assert.Equal(solo, embedded);
    }
}

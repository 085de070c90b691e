using Hearth.Inference.Engine;
using Hearth.Inference.Models;
using Hearth.Inference.Tests.Models;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Engine.Scheduling;

/// <summary>Submission rules of the step scheduler: bad input fails only its own sequence, at once.</summary>
public sealed class StepSchedulerTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly LoadedModel _model;

    public StepSchedulerTests()
    {
        new TinyModel { Architecture = "llama", Context = 32 }.WriteTo(_dir.File("m.gguf"));
        _model = LoadedModel.Load(_dir.File("m.gguf"), new EngineOptions { Threads = 2, MaxConcurrentSequences = 2, PrefillBatchTokens = 4 });
    }

    public void Dispose()
    {
        _model.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task StepAsync_TokenOutsideVocabulary_ThrowsForThatSequenceOnly()
    {
        using var bad = _model.Scheduler.Join(_model.CreateCache(8));
        using var good = _model.Scheduler.Join(_model.CreateCache(8));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => { _ = bad.StepAsync(new[] { 1, TinyModel.Vocab + 3 }, null, null, CancellationToken.None); });   // thrown at submission, not in the task
        Assert.Equal(TinyModel.Vocab + 3, e.ActualValue);
        var logits = new float[TinyModel.Vocab];
        await good.StepAsync(new[] { 1, 262 }, logits, null, CancellationToken.None);
        Assert.Equal(2, good.Cache.Length);
        Assert.Equal(0, bad.Cache.Length);
        Assert.Contains(logits, v => v != 0);
    }

    [Fact]
    public async Task StepAsync_BeyondTheCache_ThrowsContextOverflow()
    {
        using var sequence = _model.Scheduler.Join(_model.CreateCache(3));
        await sequence.StepAsync(new[] { 1, 262 }, null, null, CancellationToken.None);
        var e = Assert.Throws<ContextOverflowException>(() => { _ = sequence.StepAsync(new[] { 263, 264 }, null, null, CancellationToken.None); });   // thrown at submission, not in the task
        Assert.Equal((4, 3), (e.PromptTokens, e.ContextTokens));
    }

    [Fact]
    public async Task StepAsync_WhileAStepIsOutstandingOrAfterLeaving_ThrowsInvalidOperation()
    {
        var sequence = _model.Scheduler.Join(_model.CreateCache(24));
        using var idle = _model.Scheduler.Join(_model.CreateCache(4));   // joined, never submits: each step waits 2 ms for it
        var first = sequence.StepAsync(Enumerable.Repeat(262, 20).ToArray(), null, null, CancellationToken.None);   // 5 chunks
        Assert.False(first.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => { _ = sequence.StepAsync(new[] { 1 }, null, null, CancellationToken.None); });   // thrown at submission, not in the task
        await first;
        sequence.Dispose();
        Assert.Throws<InvalidOperationException>(() => { _ = sequence.StepAsync(new[] { 1 }, null, null, CancellationToken.None); });   // thrown at submission, not in the task
    }

    [Fact]
    public async Task StepAsync_AlreadyCancelledToken_CancelledWithoutRunning()
    {
        using var sequence = _model.Scheduler.Join(_model.CreateCache(8));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sequence.StepAsync(new[] { 1 }, null, null, cts.Token));
        Assert.Equal(0, sequence.Cache.Length);
    }

    [Fact]
    public void Join_MoreSequencesThanConfigured_Throws()
    {
        using var a = _model.Scheduler.Join(_model.CreateCache(4));
        using var b = _model.Scheduler.Join(_model.CreateCache(4));
        Assert.Throws<InvalidOperationException>(() => _model.Scheduler.Join(_model.CreateCache(4)));
    }
}

using Hearth.Inference.Templates;

namespace Hearth.Inference.Tests.Templates;

/// <summary>
/// Work budgets of one render (steps, chars built, render time) and cancellation: a template that stays inside every size
/// limit but does quadratic or unbounded work must stop with a typed error naming the limit, or when the caller cancels.
/// </summary>
public sealed class TemplateBudgetTests
{
    // Grows one string by 10 chars per iteration, 900,000 times: the final string (9 M chars) and the iteration count stay
    // under MaxValueLength and MaxLoopIterations, but the copies add up to ~4e12 chars (the "pins a core for minutes" case).
    internal const string QuadraticGrowth =
        "{% set ns = namespace(s='') %}{% for i in range(90000) %}{% for j in range(10) %}{% set ns.s = ns.s ~ 'xxxxxxxxxx' %}{% endfor %}{% endfor %}{{ ns.s | length }}";

    private static string Render(string source, TemplateLimits limits, TimeProvider? clock = null, CancellationToken cancellationToken = default) =>
        ChatTemplate.Parse(source, new ChatTemplateOptions { Limits = limits, Clock = clock ?? TimeProvider.System })
            .Render(new Dictionary<string, object?>(), cancellationToken);

    // The render-time budget is lifted where a test names the limit that must stop a template: on a busy shared machine the
    // wall clock could otherwise win the race, and which budget fires first is not what these tests are about.
    private static readonly TemplateLimits s_noTimeBudget = TemplateLimits.Default with { MaxRenderTime = TimeSpan.MaxValue };

    [Fact]
    public void Render_QuadraticStringGrowthWithDefaultLimits_StopsWithLimitError()
    {
        var error = Assert.Throws<TemplateLimitExceededException>(() => Render(QuadraticGrowth, TemplateLimits.Default));

        Assert.Contains(error.Limit, new[] { nameof(TemplateLimits.MaxBuiltChars), nameof(TemplateLimits.MaxRenderTime) });
    }

    [Fact]
    public void Render_QuadraticStringGrowth_StopsAtBuiltCharsBudget()
    {
        var error = Assert.Throws<TemplateLimitExceededException>(() => Render(QuadraticGrowth, s_noTimeBudget));

        Assert.Equal(nameof(TemplateLimits.MaxBuiltChars), error.Limit);
        Assert.Contains(nameof(TemplateLimits.MaxBuiltChars), error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Theory]
    [InlineData("{% set ns = namespace(l=[]) %}{% for i in range(90000) %}{% for j in range(10) %}{% set ns.l = ns.l + [i, j] %}{% endfor %}{% endfor %}", nameof(TemplateLimits.MaxBuiltChars))]
    [InlineData("{% set ns = namespace(s='') %}{% for i in range(90000) %}{% for j in range(10) %}{% set ns.s = [ns.s, 'xxxxxxxxxx'] | join %}{% endfor %}{% endfor %}", nameof(TemplateLimits.MaxBuiltChars))]
    [InlineData("{% set ns = namespace(s='') %}{% for i in range(90000) %}{% for j in range(10) %}{% set ns.s = '%s%s' % (ns.s, 'xxxxxxxxxx') %}{% endfor %}{% endfor %}", nameof(TemplateLimits.MaxBuiltChars))]
    [InlineData("{% set ns = namespace(s='') %}{% for i in range(90000) %}{% for j in range(10) %}{% set ns.s = ns.s + 'xxxxxxxxxx' %}{% endfor %}{% endfor %}", nameof(TemplateLimits.MaxBuiltChars))]
    // A macro's body is written into a capture buffer, and all writes count against the output limit.
    [InlineData("{% macro grow(s) %}{{ s }}xxxxxxxxxx{% endmacro %}{% set ns = namespace(s='') %}{% for i in range(90000) %}{% for j in range(10) %}{% set ns.s = grow(ns.s) %}{% endfor %}{% endfor %}", nameof(TemplateLimits.MaxOutputChars))]
    public void Render_QuadraticBuildingByOtherMeans_StopsAtSizeBudget(string source, string limit)
    {
        var error = Assert.Throws<TemplateLimitExceededException>(() => Render(source, s_noTimeBudget));

        Assert.Equal(limit, error.Limit);
    }

    [Fact]
    public void Render_ManyCheapExpressions_StopsAtStepBudget()
    {
        // 990,000 iterations (under MaxLoopIterations) of a 15-step condition that builds nothing.
        const string Source = "{% for i in range(90000) %}{% for j in range(10) %}{% if i + j + i + j + i + j + i > -1 %}{% endif %}{% endfor %}{% endfor %}";

        var error = Assert.Throws<TemplateLimitExceededException>(() => Render(Source, s_noTimeBudget));

        Assert.Equal(nameof(TemplateLimits.MaxSteps), error.Limit);
        Assert.Contains("2000000 steps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_StepBudgetConfigured_AppliesTheConfiguredValue()
    {
        var limits = TemplateLimits.Default with { MaxSteps = 1_000 };

        Assert.Equal("0123456789", Render("{% for i in range(10) %}{{ i }}{% endfor %}", limits));
        var error = Assert.Throws<TemplateLimitExceededException>(() => Render("{% for i in range(1000) %}{{ i }}{% endfor %}", limits));
        Assert.Equal(nameof(TemplateLimits.MaxSteps), error.Limit);
    }

    [Fact]
    public void Render_ClockPassesRenderTimeBudget_StopsWithRenderTimeError()
    {
        // Each timestamp read moves the clock one second on, so the 5 s budget is spent after a few clock checks, whatever
        // the machine's speed; the loop alone (1,000 iterations) is far inside the step and size budgets.
        var clock = new SteppingClock(TimeSpan.FromSeconds(1));

        var error = Assert.Throws<TemplateLimitExceededException>(() =>
            Render("{% for i in range(1000) %}{{ i }}{% endfor %}", TemplateLimits.Default, clock));

        Assert.Equal(nameof(TemplateLimits.MaxRenderTime), error.Limit);
        Assert.InRange(clock.Reads, 2, 12);
    }

    [Fact]
    public void Render_TokenCancelledWhileRendering_ThrowsOperationCanceled()
    {
        // Budgets lifted so that only cancellation can stop the quadratic template; the clock cancels the token on its third
        // read, i.e. in the middle of the loop, so this shows the token is checked inside loops, not only on entry.
        var limits = TemplateLimits.Default with { MaxBuiltChars = long.MaxValue, MaxSteps = long.MaxValue, MaxRenderTime = TimeSpan.MaxValue };
        using var cts = new CancellationTokenSource();
        var clock = new SteppingClock(TimeSpan.Zero) { OnRead = reads => { if (reads == 3) { cts.Cancel(); } } };

        Assert.ThrowsAny<OperationCanceledException>(() => Render(QuadraticGrowth, limits, clock, cts.Token));
        Assert.Equal(3, clock.Reads);
    }

    [Fact]
    public void Render_TokenAlreadyCancelled_ThrowsBeforeRendering()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => Render("hello", TemplateLimits.Default, cancellationToken: cts.Token));
    }

    /// <summary>A clock whose timestamp moves on by a fixed amount at every read.</summary>
    private sealed class SteppingClock(TimeSpan perRead) : TimeProvider
    {
        private long _timestamp;

        public int Reads { get; private set; }

        public Action<int>? OnRead { get; init; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp()
        {
            Reads++;
            OnRead?.Invoke(Reads);
            return _timestamp += perRead.Ticks;
        }
    }
}

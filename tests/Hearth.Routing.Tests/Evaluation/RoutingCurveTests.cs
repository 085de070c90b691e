using Hearth.Routing.Evaluation;

namespace Hearth.Routing.Tests.Evaluation;

public sealed class RoutingCurveTests
{
    private static RoutingExample E(double weak, double strong) => new("p", weak, strong);

    // Four items: weak right on 1 (w = 0.25), strong right on 3 (s = 0.75); gap 0.5.
    // Items: A (w0,s1) B (w0,s1) C (w1,s1) D (w0,s0).
    private static readonly RoutingExample[] s_items = [E(0, 1), E(0, 1), E(1, 1), E(0, 0)];

    [Fact]
    public void Build_PerfectOrder_HandComputedPgrApgrCpt()
    {
        // Escalate A, B first: quality 0.25 -> 0.5 -> 0.75 -> 0.75 -> 0.75; PGR 0, 0.5, 1, 1, 1.
        var curve = RoutingCurve.Build([0.9, 0.8, 0.2, 0.1], s_items);
        Assert.Equal([0.25, 0.5, 0.75, 0.75, 0.75], curve.Quality.Select(q => Math.Round(q, 12)));
        Assert.Equal(0.5, curve.PgrAt(1), 12);
        // Trapezoids over 4 steps of width 0.25: (0+0.5)/2 + (0.5+1)/2 + 1 + 1 = 0.25+0.75+1+1 = 3 -> 3/4.
        Assert.Equal(0.75, curve.Apgr(), 12);
        Assert.Equal(0.25, curve.Cpt(0.5), 12);
        // PGR 0.8 is reached between k=1 (0.5) and k=2 (1): t = 0.6 -> c = 1.6/4 = 0.4.
        Assert.Equal(0.4, curve.Cpt(0.8), 12);
    }

    [Fact]
    public void Build_ConstantScores_IsTheRandomRouter()
    {
        var curve = RoutingCurve.Build([0.5, 0.5, 0.5, 0.5], s_items);
        Assert.Equal(0.5, curve.Apgr(), 12);
        Assert.Equal(0.5, curve.Cpt(0.5), 12);
        Assert.Equal(0.8, curve.Cpt(0.8), 12);
        Assert.Equal(0.25, curve.Pgr(0.25), 12);
    }

    [Fact]
    public void Build_WorstOrder_ApgrBelowHalf()
    {
        // Escalate D, C, then A, B: PGR 0, 0, 0, 0.5, 1 -> area (0+0+0.25+0.75)/4 = 0.25.
        var curve = RoutingCurve.Build([0.1, 0.2, 0.8, 0.9], s_items);
        Assert.Equal(0.25, curve.Apgr(), 12);
        Assert.Equal(0.75, curve.Cpt(0.5), 12);
    }

    [Fact]
    public void Build_TiesAreAveraged()
    {
        // A and D tied first: escalating one of them gains 0.5 expected of A's gain (1 item of 4 -> quality +0.125).
        var curve = RoutingCurve.Build([0.9, 0.1, 0.1, 0.9], s_items);
        Assert.Equal(0.375, curve.Quality[1], 12);
        Assert.Equal(0.5, curve.Quality[2], 12);
    }

    [Fact]
    public void Build_OracleCanExceedOne()
    {
        // Weak right where strong is wrong: escalating everything loses that item.
        RoutingExample[] items = [E(0, 1), E(1, 0), E(0, 1), E(1, 1)];
        var curve = RoutingCurve.Build(items.Select(e => e.StrongQuality - e.WeakQuality).ToArray(), items);
        Assert.True(curve.Apgr() > 1);
        Assert.Equal(1.0, curve.PgrAt(4), 12);
    }

    [Fact]
    public void Build_NoGap_Throws()
    {
        Assert.Throws<ArgumentException>(() => RoutingCurve.Build([1, 2], [E(1, 1), E(0, 0)]));
    }

    [Fact]
    public void Build_LengthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => RoutingCurve.Build([1], s_items));
    }

    [Fact]
    public void Cpt_Unreachable_IsNaN()
    {
        var curve = RoutingCurve.Build([0.9, 0.8, 0.2, 0.1], s_items);
        Assert.True(double.IsNaN(curve.Cpt(1.5)));
    }
}

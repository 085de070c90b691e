using System.Text.Json;
using System.Xml.Linq;
using Hearth.Routing.Evaluation;

namespace Hearth.Routing.Tests.Evaluation;

public sealed class EvaluationReportWriterTests
{
    private static EvaluationReport Report()
    {
        var curve = Enumerable.Range(0, 101).Select(i => i / 100.0).ToArray();
        var s = new RoutingScore(0.5, 0.5, 0.8);
        return new EvaluationReport(10, 2, new CurveSummary("router", new RoutingScore(0.7, 0.3, double.NaN), curve), new CurveSummary("random", s, curve), new CurveSummary("oracle", s, curve), [0.69, 0.71]);
    }

    [Fact]
    public void ToJson_HasAllRoutersAndNullForUnreachedCpt()
    {
        using var doc = JsonDocument.Parse(EvaluationReportWriter.ToJson(Report()));
        Assert.Equal(0.7, doc.RootElement.GetProperty("router").GetProperty("apgr").GetDouble());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("router").GetProperty("cpt80").ValueKind);
        Assert.Equal(0.5, doc.RootElement.GetProperty("random").GetProperty("apgr").GetDouble());
        Assert.Equal(2, doc.RootElement.GetProperty("fold_apgr").GetArrayLength());
    }

    [Fact]
    public void ToSvg_IsWellFormedWithThreeCurves()
    {
        var svg = XDocument.Parse(EvaluationReportWriter.ToSvg(Report(), "t <&>"));
        Assert.Equal(3, svg.Descendants().Count(e => e.Name.LocalName == "polyline"));
    }

    [Fact]
    public void ToText_ListsRows()
    {
        var text = EvaluationReportWriter.ToText(Report());
        Assert.Contains("router    0.7000", text, StringComparison.Ordinal);
        Assert.Contains("never", text, StringComparison.Ordinal);
    }
}

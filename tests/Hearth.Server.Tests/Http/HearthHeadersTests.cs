using Hearth.Contracts;
using Hearth.Server.Http;

namespace Hearth.Server.Tests.Http;

public sealed class HearthHeadersTests
{
    [Fact]
    public void Routing_BackendAndReason_RouteAndReasonOnly()
    {
        var headers = HearthHeaders.Routing(new RoutingOutcome("phi", "local-only: largest local", Policy: "local-only")).ToList();

        Assert.Equal([new("x-hearth-route", "phi"), new("x-hearth-reason", "local-only: largest local")], headers);
    }

    [Fact]
    public void Routing_Degraded_DegradedTrue()
    {
        var headers = HearthHeaders.Routing(new RoutingOutcome("phi", "degraded", Degraded: true)).ToDictionary();

        Assert.Equal("true", headers["x-hearth-degraded"]);
    }

    [Fact]
    public void Routing_NoBackend_ReasonWithoutRoute()
    {
        var headers = HearthHeaders.Routing(new RoutingOutcome(null, "residency note")).ToList();

        Assert.Equal([new("x-hearth-reason", "residency note")], headers);
    }

    [Fact]
    public void Routing_NonAsciiAndControlCharacters_EachBecomesQuestionMark()
    {
        var headers = HearthHeaders.Routing(new RoutingOutcome("modèle", "score ≥ 0.55\n")).ToDictionary();

        Assert.Equal("mod?le", headers["x-hearth-route"]);
        Assert.Equal("score ? 0.55?", headers["x-hearth-reason"]);
    }

    [Fact]
    public void Routing_NoOutcome_NoHeaders()
    {
        Assert.Empty(HearthHeaders.Routing(null));
    }
}

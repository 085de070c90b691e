using Hearth.Contracts;
using Hearth.Server.Http;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Tests.Http;

public class HearthHeadersTests
{
    private const string Id = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void Meter_SealedEntry_FormatsInvariant()
    {
        var h = HearthHeaders.Meter(new MeterResult(Id, "modelled", new MeteredFigures(0.00125, 0.3, 0.5, 0.25, 0.002)));

        Assert.Equal(
            [new("x-hearth-entry-id", Id), new("x-hearth-energy-wh", "0.00125"), new("x-hearth-carbon-g", "0.75"), new("x-hearth-water-l", "0.002"),
             new KeyValuePair<string, string>("x-hearth-method", "modelled")],
            h);
    }

    [Fact]
    public void Meter_StreamStart_IdAndMethodOnly()
    {
        Assert.Equal([new("x-hearth-entry-id", Id), new KeyValuePair<string, string>("x-hearth-method", "remote")],
            HearthHeaders.Meter(new MeterResult(Id, "remote", null)));
        Assert.Equal([new KeyValuePair<string, string>("x-hearth-entry-id", Id)], HearthHeaders.Meter(new MeterResult(Id, null, null)));
    }

    [Fact]
    public void Meter_TinyFigure_NineDecimalsAtMost()
    {
        var h = HearthHeaders.Meter(new MeterResult(Id, "measured", new MeteredFigures(1.23456789012e-3, 0, 1e-12, 0, 1234.5)));

        Assert.Contains(new KeyValuePair<string, string>("x-hearth-energy-wh", "0.001234568"), h);
        Assert.Contains(new KeyValuePair<string, string>("x-hearth-carbon-g", "0"), h);
        Assert.Contains(new KeyValuePair<string, string>("x-hearth-water-l", "1234.5"), h);
    }

    [Fact]
    public void Of_ResponseWithRoutingMeterAndBudget_AllHeadersAndNothingUntyped()
    {
        // A stage can no longer make a header by naming it: only typed results are mapped.
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "hi")) { AdditionalProperties = new() { ["x-hearth-other"] = "no", ["other"] = "ignored" } };
        response.SetRoutingOutcome(new RoutingOutcome("tiny", "budget: downgraded"));
        response.SetMeterResult(new MeterResult(Id, "modelled", new MeteredFigures(1, 0, 2, 1, 0.5)));
        response.SetBudgetDowngrade(new BudgetDowngrade("gpt", "tiny", "over budget"));

        var h = HearthHeaders.Of(response).ToDictionary(kv => kv.Key, kv => kv.Value);

        Assert.Equal(new Dictionary<string, string>
        {
            ["x-hearth-entry-id"] = Id, ["x-hearth-energy-wh"] = "1", ["x-hearth-carbon-g"] = "3", ["x-hearth-water-l"] = "0.5", ["x-hearth-method"] = "modelled",
            ["x-hearth-budget"] = "downgraded", ["x-hearth-route"] = "tiny", ["x-hearth-reason"] = "budget: downgraded",
        }, h);
    }

    [Fact]
    public void Of_UpdateWithoutResults_Empty()
    {
        Assert.Empty(HearthHeaders.Of(new ChatResponseUpdate(ChatRole.Assistant, "x")));
    }

    [Fact]
    public void Of_Embeddings_MeterHeaders()
    {
        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        embeddings.SetMeterResult(new MeterResult(Id, "remote", new MeteredFigures(0.5, 0, 0.25, 0, 0.125)));

        Assert.Equal(["x-hearth-entry-id", "x-hearth-energy-wh", "x-hearth-carbon-g", "x-hearth-water-l", "x-hearth-method"], HearthHeaders.Of(embeddings).Select(kv => kv.Key));
    }

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
    public void Routing_EveryUtf16CodeUnit_HeaderValueIsPrintableAsciiOfTheSameLength()
    {
        var all = string.Create(65536, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)i;
            }
        });

        var headers = HearthHeaders.Routing(new RoutingOutcome(all, all)).ToDictionary();

        foreach (var value in headers.Values.Where(v => v != "true"))
        {
            Assert.Equal(all.Length, value.Length);
            Assert.All(value, c => Assert.InRange(c, ' ', '~'));
            Assert.Equal(all[' '..('~' + 1)], value[' '..('~' + 1)]); // printable ASCII kept as it is
        }
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

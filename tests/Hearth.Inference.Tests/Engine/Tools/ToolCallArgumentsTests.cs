using System.Text.Json;
using Hearth.Contracts;
using Hearth.Inference.Engine.Tools;
using Microsoft.Extensions.AI;

namespace Hearth.Inference.Tests.Engine.Tools;

public sealed class ToolCallArgumentsTests
{
    [Fact]
    public void ToFunctionCall_ObjectArguments_ParsesMembersAndKeepsTheTextAndIndex()
    {
        var call = ToolCallArguments.ToFunctionCall("call_1", "get_weather", """{"city": "Oslo", "days": 3}""", index: 2);

        Assert.Equal(["city", "days"], call.Arguments!.Keys);
        Assert.Equal("Oslo", ((JsonElement)call.Arguments["city"]!).GetString());
        Assert.Equal(new ToolCallWire("""{"city": "Oslo", "days": 3}""", 2), call.GetToolCallWire());
    }

    [Fact]
    public void ToFunctionCall_BrokenJson_NoArgumentsButTheTextIsKeptForReEmission()
    {
        var call = ToolCallArguments.ToFunctionCall("call_1", "f", """{"city": "Os""");

        Assert.Null(call.Arguments);
        Assert.Equal("""{"city": "Os""", ToolCallArguments.ToJson(call));
    }

    [Fact]
    public void ToJson_CallWithoutWire_WritesItsArgumentsAsOneObject()
    {
        var call = new FunctionCallContent("call_1", "f", new Dictionary<string, object?>
        {
            ["s"] = "x", ["n"] = 2, ["b"] = true, ["none"] = null, ["e"] = JsonDocument.Parse("[1,2]").RootElement,
        });

        Assert.Null(call.GetToolCallWire());
        Assert.Equal("""{"s":"x","n":2,"b":true,"none":null,"e":[1,2]}""", ToolCallArguments.ToJson(call));
    }
}

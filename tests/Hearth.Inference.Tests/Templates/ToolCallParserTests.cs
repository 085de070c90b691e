using System.Text.Json.Nodes;
using Hearth.Inference.Templates;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Templates;

public sealed class ToolCallParserTests
{
    [Fact]
    public void Parse_HermesSingleCall_ReturnsNameArgumentsAndEmptyContent()
    {
        const string output = "<tool_call>\n{\"name\": \"grid_intensity\", \"arguments\": {\"zone\": \"FR\"}}\n</tool_call>";
        var result = ToolCallParser.Parse(output, ToolCallFormat.Hermes);
        Assert.Equal(ToolCallParseStatus.ToolCalls, result.Status);
        var call = Assert.Single(result.ToolCalls);
        Assert.Equal("grid_intensity", call.Name);
        Assert.Equal("{\"zone\":\"FR\"}", call.ArgumentsJson);
        Assert.StartsWith("call_", call.Id, StringComparison.Ordinal);
        Assert.Equal(29, call.Id.Length);
        Assert.Equal("", result.Content);
    }

    [Fact]
    public void Parse_QwenParallelCallsWithLeadingText_ReturnsAllCallsAndText()
    {
        const string output = "Let me check both zones.\n<tool_call>\n{\"name\": \"grid_intensity\", \"arguments\": {\"zone\": \"FR\"}}\n</tool_call>\n" +
                              "<tool_call>\n{\"name\": \"grid_intensity\", \"arguments\": {\"zone\": \"DE\", \"hours\": 24}}\n</tool_call>";
        var result = ToolCallParser.Parse(output, ToolCallFormat.Hermes);
        Assert.Equal(ToolCallParseStatus.ToolCalls, result.Status);
        Assert.Equal(2, result.ToolCalls.Count);
        Assert.Equal("{\"zone\":\"DE\",\"hours\":24}", result.ToolCalls[1].ArgumentsJson);
        Assert.NotEqual(result.ToolCalls[0].Id, result.ToolCalls[1].Id);
        Assert.Equal("Let me check both zones.", result.Content);
    }

    [Fact]
    public void Parse_HermesUnclosedFinalBlock_AcceptsCompleteJson()
    {
        var result = ToolCallParser.Parse("<tool_call>\n{\"name\": \"noop\", \"arguments\": {}}\n", ToolCallFormat.Hermes);
        Assert.Equal(ToolCallParseStatus.ToolCalls, result.Status);
        Assert.Equal("{}", Assert.Single(result.ToolCalls).ArgumentsJson);
    }

    [Fact]
    public void Parse_HermesStringEncodedArguments_DecodesObject()
    {
        var result = ToolCallParser.Parse("<tool_call>{\"name\": \"f\", \"arguments\": \"{\\\"q\\\": \\\"énergie\\\"}\"}</tool_call>", ToolCallFormat.Hermes);
        Assert.Equal("{\"q\":\"énergie\"}", Assert.Single(result.ToolCalls).ArgumentsJson);
    }

    [Theory]
    [InlineData("<tool_call>\n{\"name\": \"grid_intensity\", \"arguments\": {\"zone\": \"FR\"\n</tool_call>", "invalid JSON")]
    [InlineData("<tool_call>{\"arguments\": {}}</tool_call>", "missing string field 'name'")]
    [InlineData("<tool_call>[1, 2]</tool_call>", "expected a JSON object")]
    [InlineData("<tool_call>{\"name\": \"f\", \"arguments\": [1]}</tool_call>", "must be a JSON object")]
    public void Parse_HermesMalformed_ReportsMalformedAndKeepsOutput(string output, string reason)
    {
        var result = ToolCallParser.Parse(output, ToolCallFormat.Hermes);
        Assert.Equal(ToolCallParseStatus.Malformed, result.Status);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.Equal(output, result.Content);
    }

    [Fact]
    public void Parse_HermesPlainAnswer_IsNoToolCalls()
    {
        var result = ToolCallParser.Parse("The grid in France is mostly nuclear.", ToolCallFormat.Hermes);
        Assert.Equal(ToolCallParseStatus.NoToolCalls, result.Status);
        Assert.Empty(result.ToolCalls);
        Assert.Equal("The grid in France is mostly nuclear.", result.Content);
    }

    [Theory]
    [InlineData("{\"name\": \"grid_intensity\", \"parameters\": {\"zone\": \"FR\"}}")]
    [InlineData("<|python_tag|>{\"name\": \"grid_intensity\", \"parameters\": {\"zone\": \"FR\"}}<|eom_id|>")]
    [InlineData("  {\"name\": \"grid_intensity\", \"arguments\": {\"zone\": \"FR\"}}\n")]
    public void Parse_Llama3Json_ReturnsCall(string output)
    {
        var result = ToolCallParser.Parse(output, ToolCallFormat.Llama3Json);
        Assert.Equal(ToolCallParseStatus.ToolCalls, result.Status);
        var call = Assert.Single(result.ToolCalls);
        Assert.Equal(("grid_intensity", "{\"zone\":\"FR\"}"), (call.Name, call.ArgumentsJson));
    }

    [Fact]
    public void Parse_Llama3SemicolonSeparatedCalls_ReturnsBoth()
    {
        var result = ToolCallParser.Parse("{\"name\": \"a\", \"parameters\": {}}; {\"name\": \"b\", \"parameters\": {\"x\": \"}\"}}", ToolCallFormat.Llama3Json);
        Assert.Equal(["a", "b"], result.ToolCalls.Select(c => c.Name));
        Assert.Equal("{\"x\":\"}\"}", result.ToolCalls[1].ArgumentsJson);
    }

    [Fact]
    public void Parse_Llama3BuiltinPythonTagCall_ReturnsArguments()
    {
        var result = ToolCallParser.Parse("<|python_tag|>brave_search.call(query=\"grid carbon intensity France\")", ToolCallFormat.Llama3Json);
        var call = Assert.Single(result.ToolCalls);
        Assert.Equal("brave_search", call.Name);
        Assert.Equal("{\"query\":\"grid carbon intensity France\"}", call.ArgumentsJson);
    }

    [Theory]
    [InlineData("The answer is 4.")]
    [InlineData("{\"a\": 1} is a JSON object.")]
    [InlineData("{not json at all")]
    public void Parse_Llama3PlainText_IsNoToolCalls(string output)
    {
        var result = ToolCallParser.Parse(output, ToolCallFormat.Llama3Json);
        Assert.Equal(ToolCallParseStatus.NoToolCalls, result.Status);
        Assert.Equal(output, result.Content);
    }

    [Theory]
    [InlineData("{\"name\": \"grid_intensity\", \"parameters\": {\"zone\": \"FR\"}")]
    [InlineData("<|python_tag|>{\"name\": 5, \"parameters\": {}}")]
    [InlineData("<|python_tag|>import os; os.system('x')")]
    public void Parse_Llama3Malformed_ReportsMalformed(string output)
    {
        var result = ToolCallParser.Parse(output, ToolCallFormat.Llama3Json);
        Assert.Equal(ToolCallParseStatus.Malformed, result.Status);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Fact]
    public void Parse_SameCallTwice_GivesSameIds()
    {
        const string output = "<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>";
        Assert.Equal(ToolCallParser.Parse(output, ToolCallFormat.Hermes).ToolCalls[0].Id, ToolCallParser.Parse(output, ToolCallFormat.Hermes).ToolCalls[0].Id);
    }

    [Theory]
    [InlineData("Qwen-Qwen2.5-7B-Instruct.jinja", ToolCallFormat.Hermes)]
    [InlineData("Qwen-Qwen3.jinja", ToolCallFormat.Hermes)]
    [InlineData("NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use.jinja", ToolCallFormat.Hermes)]
    [InlineData("NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja", ToolCallFormat.Hermes)]
    [InlineData("meta-llama-Llama-3.1-8B-Instruct.jinja", ToolCallFormat.Llama3Json)]
    [InlineData("meta-llama-Llama-3.2-3B-Instruct.jinja", ToolCallFormat.Llama3Json)]
    [InlineData("meta-llama-Llama-3.3-70B-Instruct.jinja", ToolCallFormat.Llama3Json)]
    [InlineData("meetkai-functionary-medium-v3.1.jinja", ToolCallFormat.None)]
    [InlineData("google-gemma-2-2b-it.jinja", ToolCallFormat.None)]
    [InlineData("mistralai-Mistral-Nemo-Instruct-2407.jinja", ToolCallFormat.None)]
    [InlineData("microsoft-Phi-3.5-mini-instruct.jinja", ToolCallFormat.None)]
    public void Detect_RealTemplate_PicksFamily(string file, ToolCallFormat expected)
    {
        Assert.Equal(expected, ToolCallFormats.Detect(File.ReadAllText(TestData.File("chat-templates/" + file))));
    }

    [Fact]
    public void RenderThenParse_QwenToolCallTurn_RoundTrips()
    {
        // The assistant turn Qwen 2.5's template writes for a tool call is exactly what the parser reads back.
        var template = ChatTemplate.Parse(File.ReadAllText(TestData.File("chat-templates/Qwen-Qwen2.5-7B-Instruct.jinja")));
        var call = JsonNode.Parse("{\"id\": \"call_1\", \"type\": \"function\", \"function\": {\"name\": \"grid_intensity\", \"arguments\": {\"zone\": \"FR\"}}}")!.AsObject();
        string prompt = template.Render(new ChatTemplateInput(
            [new TemplateMessage("user", "Intensity in FR?"), new TemplateMessage("assistant", null) { ToolCalls = [call] }], false, "", "<|im_end|>"));
        const string turn = "<|im_start|>assistant\n<tool_call>\n{\"name\": \"grid_intensity\", \"arguments\": {\"zone\": \"FR\"}}\n</tool_call><|im_end|>\n";
        Assert.EndsWith(turn, prompt, StringComparison.Ordinal);
        string generated = turn["<|im_start|>assistant\n".Length..^"<|im_end|>\n".Length];
        var parsed = Assert.Single(ToolCallParser.Parse(generated, ToolCallFormat.Hermes).ToolCalls);
        Assert.Equal(("grid_intensity", "{\"zone\":\"FR\"}"), (parsed.Name, parsed.ArgumentsJson));
    }
}

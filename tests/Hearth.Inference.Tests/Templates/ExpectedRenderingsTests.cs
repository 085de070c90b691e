using System.Text.Json.Nodes;
using Hearth.Inference.Templates;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Templates;

/// <summary>
/// Every case of shared/chat-templates/expected.jsonl (rendered by Jinja2 3.1.6 with Hugging Face's settings)
/// must reproduce exactly, and the error cases must raise the template's own message.
/// </summary>
public sealed class ExpectedRenderingsTests
{
    private static readonly ChatTemplateOptions s_options = new() { Clock = FixedClock.ExpectedCasesDate };

    public static TheoryData<int> CaseNumbers()
    {
        var data = new TheoryData<int>();
        int count = File.ReadLines(TestData.File("chat-templates/expected.jsonl")).Count(l => l.Trim().Length > 0);
        for (int i = 0; i < count; i++)
        {
            data.Add(i);
        }
        return data;
    }

    private static JsonObject LoadCase(int number) =>
        JsonNode.Parse(File.ReadLines(TestData.File("chat-templates/expected.jsonl")).Where(l => l.Trim().Length > 0).ElementAt(number))!.AsObject();

    [Fact]
    public void ExpectedFile_HasAllCases_134RenderingsAnd2Errors()
    {
        int count = File.ReadLines(TestData.File("chat-templates/expected.jsonl")).Count(l => l.Trim().Length > 0);
        var cases = Enumerable.Range(0, count).Select(LoadCase).ToList();
        Assert.Equal(134, cases.Count(c => c.ContainsKey("expected")));
        Assert.Equal(2, cases.Count(c => c.ContainsKey("error")));
    }

    [Theory]
    [MemberData(nameof(CaseNumbers))]
    public void Render_ExpectedCase_MatchesJinja2Exactly(int number)
    {
        JsonObject c = LoadCase(number);
        string templateName = (string)c["template"]!;
        var template = ChatTemplate.Parse(File.ReadAllText(TestData.File("chat-templates/" + templateName)), s_options);
        var input = new ChatTemplateInput(
            c["messages"]!.AsArray().Select(m => TemplateMessage.FromJson(m!.AsObject())).ToList(),
            (bool)c["add_generation_prompt"]!,
            (string)c["bos_token"]!,
            (string)c["eos_token"]!)
        {
            Tools = c["tools"] is JsonArray tools ? tools.Select(t => t!.AsObject()).ToList() : null,
        };
        string label = $"case {number}: {templateName} / {c["conversation"]} / add_generation_prompt={c["add_generation_prompt"]}";
        if (c["error"] is JsonNode error)
        {
            var raised = Assert.Throws<TemplateRaisedException>(() => template.Render(input));
            Assert.Equal((string)error!, raised.Message);
            return;
        }
        string expected = (string)c["expected"]!;
        string actual = template.Render(input);
        Assert.True(expected == actual, $"{label}\n{TextDiff.Describe(expected, actual)}");
    }
}

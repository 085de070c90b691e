using System.Text.Json.Nodes;
using Hearth.Inference.Templates;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Templates;

public sealed class ChatTemplateTests
{
    private static readonly TemplateMessage[] s_conversation =
    [
        new("system", "You are a helpful assistant."),
        new("user", "Hi there"),
        new("assistant", "Hello! How can I help?"),
        new("user", "Summarize: the grid is strained today."),
        new("assistant", "Demand is high, so carbon intensity rose."),
    ];

    [Fact]
    public void GetOrParse_SameSource_ReturnsCachedInstance()
    {
        string source = "{{ messages | length }}-" + Guid.NewGuid().ToString("N");
        Assert.Same(ChatTemplate.GetOrParse(source), ChatTemplate.GetOrParse(source));
    }

    [Fact]
    public void Render_TemplateMessage_ExposesOnlySetFields()
    {
        var template = ChatTemplate.Parse("{% for m in messages %}{{ m.role }}:{{ m.content }}:{{ 'tool_calls' in m }}:{{ m.tool_call_id | default('-') }};{% endfor %}");
        var call = JsonNode.Parse("{\"id\": \"c1\", \"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": {}}}")!.AsObject();
        string output = template.Render(new ChatTemplateInput(
            [new TemplateMessage("user", "hi"), new TemplateMessage("assistant", null) { ToolCalls = [call] }, new TemplateMessage("tool", "42") { ToolCallId = "c1" }],
            false, "", ""));
        Assert.Equal("user:hi:False:-;assistant:None:True:-;tool:42:False:c1;", output);
    }

    [Fact]
    public void Render_ExtraVariables_AreVisible()
    {
        var template = ChatTemplate.Parse(File.ReadAllText(TestData.File("chat-templates/Qwen-Qwen3.jinja")));
        var input = new ChatTemplateInput([new TemplateMessage("user", "2+2?")], true, "", "<|im_end|>")
        {
            Extra = new Dictionary<string, object?> { ["enable_thinking"] = false },
        };
        Assert.EndsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n", template.Render(input), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_QwenTemplateShortConversation_StaysWithinASmallWorkBudget()
    {
        // Cost as work, not wall time (a shared 2-core machine makes timings flaky; the speed figure is in
        // bench/Hearth.Bench/Engine/ChatTemplateBenchmarks.cs). Measured: 164 steps and 1,213 chars built for a 311-char prompt;
        // a budget about 6x that fails on any regression that makes rendering do much more work per message.
        var limits = TemplateLimits.Default with { MaxSteps = 1_000, MaxBuiltChars = 8 * 1024 };
        var template = ChatTemplate.Parse(File.ReadAllText(TestData.File("chat-templates/Qwen-Qwen2.5-7B-Instruct.jinja")), new ChatTemplateOptions { Limits = limits });
        var input = new ChatTemplateInput(s_conversation, true, "", "<|im_end|>");

        string output = template.Render(input);

        Assert.EndsWith("<|im_start|>assistant\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ConcurrentCallsOnOneTemplate_AreIndependent()
    {
        var template = ChatTemplate.Parse("{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}");
        var results = new int[64];
        Parallel.For(0, results.Length, i =>
        {
            var messages = Enumerable.Range(0, i).Select(_ => new TemplateMessage("user", "x")).ToList();
            results[i] = int.Parse(template.Render(new ChatTemplateInput(messages, false, "", "")), System.Globalization.CultureInfo.InvariantCulture);
        });
        Assert.Equal(Enumerable.Range(0, 64), results);
    }
}

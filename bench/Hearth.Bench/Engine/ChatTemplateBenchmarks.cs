using BenchmarkDotNet.Attributes;
using Hearth.Inference.Templates;

namespace Hearth.Bench.Engine;

/// <summary>
/// Rendering Qwen 2.5's chat template for a five-message conversation (the prompt of every chat request on such a model).
/// Reads the template from the shared test data (HEARTH_TEST_DATA, default ../shared from the working directory).
/// Bar: well under 1 ms per render. Run: dotnet run -c Release --project bench/Hearth.Bench -- --filter '*ChatTemplate*'
/// </summary>
[MemoryDiagnoser]
public class ChatTemplateBenchmarks
{
    private ChatTemplate _template = null!;
    private ChatTemplateInput _input = null!;

    [GlobalSetup]
    public void Setup()
    {
        var shared = Environment.GetEnvironmentVariable("HEARTH_TEST_DATA") ?? Path.GetFullPath("../shared");
        _template = ChatTemplate.Parse(File.ReadAllText(Path.Combine(shared, "chat-templates", "Qwen-Qwen2.5-7B-Instruct.jinja")));
        _input = new ChatTemplateInput(
        [
            new TemplateMessage("system", "You are a helpful assistant."),
            new TemplateMessage("user", "Hi there"),
            new TemplateMessage("assistant", "Hello! How can I help?"),
            new TemplateMessage("user", "Summarize: the grid is strained today."),
            new TemplateMessage("assistant", "Demand is high, so carbon intensity rose."),
        ], true, "", "<|im_end|>");
    }

    [Benchmark]
    public string RenderQwenFiveMessages() => _template.Render(_input);
}

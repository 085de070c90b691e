using Hearth.Routing.Evaluation;
using Hearth.TestSupport;

namespace Hearth.Routing.Tests.Evaluation;

[Collection(SharedRouteLlmCollection.Name)]
public sealed class RouteLlmImporterTests(SharedRouteLlmData data)
{
    [Fact]
    public void Import_SharedData_CountsAndContaminationExcluded()
    {
        var byName = data.Imported.ToDictionary(d => d.Dataset);
        Assert.Equal(1319, byName["gsm8k"].Written + byName["gsm8k"].ExcludedContaminated);
        Assert.Equal(14042, byName["mmlu"].Written + byName["mmlu"].ExcludedContaminated);
        Assert.Equal(80, byName["mt_bench"].Written + byName["mt_bench"].ExcludedContaminated);
        Assert.Equal(12, byName["gsm8k"].ExcludedContaminated);
        Assert.Equal(5, byName["mmlu"].ExcludedContaminated);
        Assert.Equal(8, byName["mt_bench"].ExcludedContaminated);
    }

    [Fact]
    public void Import_Gsm8k_KeepsMultiLineResponsesAndLabels()
    {
        Assert.All(data.Gsm8k, e => Assert.False(string.IsNullOrEmpty(e.WeakResponse)));
        Assert.Contains(data.Gsm8k, e => e.WeakResponse!.Contains('\n', StringComparison.Ordinal));
        var robe = data.Gsm8k.Where(e => e.Prompt.Contains("bolts of blue fiber", StringComparison.Ordinal)).ToList();
        Assert.Empty(robe); // listed as contaminated upstream
        Assert.Contains(data.Gsm8k, e => e.WeakQuality == 1 && e.WeakResponse!.Contains("####", StringComparison.Ordinal));
        Assert.InRange(data.Gsm8k.Average(e => e.WeakQuality), 0.5, 0.8);
        Assert.True(data.Gsm8k.Average(e => e.StrongQuality) > data.Gsm8k.Average(e => e.WeakQuality));
    }

    [Fact]
    public void Import_ContaminatedPromptsAbsent()
    {
        var contaminated = File.ReadLines(TestData.File("routing/routellm/gsm8k/contaminated_prompts.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("eval_prompt").GetString()!)
            .Select(RouteLlmImporter.Normalize)
            .ToHashSet();
        Assert.DoesNotContain(data.Gsm8k, e => contaminated.Contains(RouteLlmImporter.Normalize(e.Prompt)));
    }

    [Fact]
    public void Import_MtBench_UsesJudgeThreshold()
    {
        Assert.All(data.MtBench, e => Assert.True(e.WeakQuality is 0 or 1));
        Assert.True(data.MtBench.Average(e => e.StrongQuality) > data.MtBench.Average(e => e.WeakQuality));
    }

    [Fact]
    public void Import_MissingFolder_Throws()
    {
        using var dir = new TempDir();
        Assert.Throws<RoutingDataException>(() => RouteLlmImporter.Import(dir.Path, dir.File("out"), CancellationToken.None));
    }

    [Fact]
    public void Import_MalformedCsv_ThrowsTyped()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("gsm8k"));
        File.WriteAllText(dir.File("gsm8k/gsm8k_responses.csv"),
            $"prompt,{RouteLlmImporter.WeakModel},{RouteLlmImporter.StrongModel},{RouteLlmImporter.WeakModel}_response\n\"q\",Maybe,True,\"r\"\n");
        var e = Assert.Throws<RoutingDataException>(() => RouteLlmImporter.Import(dir.Path, dir.File("out"), CancellationToken.None));
        Assert.Contains("Maybe", e.Message, StringComparison.Ordinal);
    }
}

public sealed class RouteLlmImporterMtBenchErrorTests
{
    [Theory]
    [InlineData("[1]", "(root)")]
    [InlineData("{\"question_id\": \"x\", \"turns\": [\"q\"]}", "question_id")]
    [InlineData("{\"question_id\": 1, \"turns\": []}", "turns")]
    public void Import_BadQuestionLine_ThrowsNamingField(string line, string field)
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("mt_bench"));
        File.WriteAllText(dir.File("mt_bench/question.jsonl"), line + "\n");
        File.WriteAllText(dir.File("mt_bench/judgements.jsonl"), "");
        var e = Assert.Throws<RoutingDataException>(() => RouteLlmImporter.Import(dir.Path, dir.File("out"), CancellationToken.None));
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
        Assert.Contains("question.jsonl:1", e.Message, StringComparison.Ordinal);
    }
}

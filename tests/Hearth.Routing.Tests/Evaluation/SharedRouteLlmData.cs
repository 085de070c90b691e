using Hearth.Routing.Evaluation;
using Hearth.TestSupport;

namespace Hearth.Routing.Tests.Evaluation;

/// <summary>The shared RouteLLM data imported once per test run (a missing file fails, never skips).</summary>
public sealed class SharedRouteLlmData : IDisposable
{
    private readonly TempDir _dir = new("hearth-routellm-");

    public SharedRouteLlmData()
    {
        Imported = RouteLlmImporter.Import(TestData.File("routing/routellm"), _dir.Path, CancellationToken.None);
        Gsm8k = RoutingDataset.Read(_dir.File("gsm8k.jsonl"));
        Mmlu = RoutingDataset.Read(_dir.File("mmlu.jsonl"));
        MtBench = RoutingDataset.Read(_dir.File("mt_bench.jsonl"));
    }

    public IReadOnlyList<ImportedDataset> Imported { get; }

    public IReadOnlyList<RoutingExample> Gsm8k { get; }

    public IReadOnlyList<RoutingExample> Mmlu { get; }

    public IReadOnlyList<RoutingExample> MtBench { get; }

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class SharedRouteLlmCollection : ICollectionFixture<SharedRouteLlmData>
{
    public const string Name = "shared RouteLLM data";
}

using Hearth.Routing.Evaluation;
using Hearth.TestSupport;

namespace Hearth.Routing.Tests.Evaluation;

public sealed class RoutingDatasetTests
{
    [Fact]
    public void WriteRead_RoundTrips_BoolsNumbersAndResponses()
    {
        using var dir = new TempDir();
        var path = dir.File("d.jsonl");
        RoutingExample[] data = [new("a\nb \"q\"", 1, 0, "resp"), new("c", 0.25, 0.75)];
        RoutingDataset.Write(path, data);
        Assert.Equal(data, RoutingDataset.Read(path));
        Assert.Contains("\"weak_correct\":true", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"weak_correct\":true,\"strong_correct\":true}", "prompt")]
    [InlineData("{\"prompt\":\"x\",\"strong_correct\":true}", "weak_correct")]
    [InlineData("{\"prompt\":\"x\",\"weak_correct\":\"yes\",\"strong_correct\":true}", "weak_correct")]
    [InlineData("{\"prompt\":\"x\",\"weak_correct\":2,\"strong_correct\":true}", "weak_correct")]
    [InlineData("[1,2]", "(root)")]
    public void Read_BadRecord_ThrowsNamingLineAndField(string line, string field)
    {
        using var dir = new TempDir();
        var path = dir.File("bad.jsonl");
        File.WriteAllText(path, "{\"prompt\":\"ok\",\"weak_correct\":false,\"strong_correct\":true}\n" + line + "\n");
        var e = Assert.Throws<RoutingDataException>(() => RoutingDataset.Read(path));
        Assert.Contains(":2:", e.Message, StringComparison.Ordinal);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotJson_Throws()
    {
        using var dir = new TempDir();
        var path = dir.File("bad.jsonl");
        File.WriteAllText(path, "{oops\n");
        Assert.Throws<RoutingDataException>(() => RoutingDataset.Read(path));
    }
}

using BenchmarkDotNet.Running;

namespace Hearth.Bench;

/// <summary>
/// Micro-benchmarks (BenchmarkDotNet) of Hearth's hot paths; each area keeps its benchmarks in its own folder.
/// End-to-end benchmarks (engine tok/s vs roofline, gateway overhead, ledger throughput) are `hearth bench ...` verbs.
/// Run: dotnet run -c Release --project bench/Hearth.Bench -- --filter '*'
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

using BenchmarkDotNet.Attributes;
using Hearth.Inference.Kernels;

namespace Hearth.Bench.Kernels;

/// <summary>Fork/join latency of <see cref="ComputePool.For"/> with a trivial body (a decode step makes ~200 such calls).</summary>
[MemoryDiagnoser]
public class ComputePoolBenchmarks
{
    private sealed class Noop : IParallelBody
    {
        public int Items;

        public void Run(int start, int end, int worker) => Interlocked.Add(ref Items, end - start);
    }

    private readonly Noop _body = new();
    private ComputePool? _pool;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => _pool = new ComputePool(Threads);

    [GlobalCleanup]
    public void Cleanup() => _pool?.Dispose();

    [Benchmark]
    public void ForkJoin() => _pool!.For(64, _body);
}

namespace Hearth.Inference.Kernels;

/// <summary>The work of one <see cref="ComputePool.For"/> call: a reusable object, so forking allocates nothing.</summary>
public interface IParallelBody
{
    /// <summary>Processes items [<paramref name="start"/>, <paramref name="end"/>); <paramref name="worker"/> is in [0, ThreadCount) (0 = the calling thread).</summary>
    void Run(int start, int end, int worker);
}

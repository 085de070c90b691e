using System.Runtime.InteropServices;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Per-pool scratch for <see cref="MatMul"/>: the quantized activations (grown on demand, 64-byte aligned, never shrunk)
/// and the reusable parallel bodies. Guarded by its own lock: one multiply at a time per pool.
/// </summary>
internal sealed unsafe class MatMulWorkspace : IDisposable
{
    private byte* _buffer;
    private nuint _capacity;

    public Lock Gate { get; } = new();
    public MatMulBody Body { get; } = new();
    public QuantizeBody Quantizer { get; } = new();

    /// <summary>Returns at least <paramref name="bytes"/> bytes of scratch (contents undefined).</summary>
    public byte* Rent(long bytes)
    {
        if ((nuint)bytes > _capacity)
        {
            NativeMemory.AlignedFree(_buffer);
            _buffer = null;
            _capacity = 0;
            nuint size = (nuint)Math.Max(bytes, 64 * 1024);
            _buffer = (byte*)NativeMemory.AlignedAlloc(size, 64);
            _capacity = size;
        }
        return _buffer;
    }

    public void Dispose()
    {
        lock (Gate)
        {
            NativeMemory.AlignedFree(_buffer);
            _buffer = null;
            _capacity = 0;
            Body.FreePanels();
        }
    }
}

using System.Runtime.InteropServices;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

/// <summary>Owns unmanaged buffers for quantized activations (the kernels take raw pointers).</summary>
internal sealed unsafe class NativeActivations : IDisposable
{
    private readonly List<nint> _allocations = [];

    public byte* Alloc(long bytes)
    {
        var p = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(bytes, 1), 64);
        _allocations.Add((nint)p);
        return p;
    }

    /// <summary>Quantizes tokens × blocks·32 floats with the scalar twin of the activation quantizer.</summary>
    public Q8Activations Q8(float[] x, int tokens, int blocks)
    {
        var a = Q8Activations.In(Alloc(tokens * Q8Activations.BytesPerToken(blocks)), tokens, blocks);
        fixed (float* px = x)
        {
            for (int t = 0; t < tokens; t++)
            {
                a.QuantizeScalar(t, px + (long)t * blocks * 32);
            }
        }
        return a;
    }

    /// <summary>Activations given directly as integer quants with unit scales (so float sums of integers stay exact).</summary>
    public Q8Activations Q8Integers(sbyte[] q, int tokens, int blocks)
    {
        var a = Q8Activations.In(Alloc(tokens * Q8Activations.BytesPerToken(blocks)), tokens, blocks);
        for (int t = 0; t < tokens; t++)
        {
            a.ClearPadding(t);
            for (int b = 0; b < blocks; b++)
            {
                int total = 0;
                for (int g = 0; g < 8; g++)
                {
                    int sum = 0;
                    for (int k = 0; k < 4; k++)
                    {
                        sbyte v = q[(t * blocks + b) * 32 + g * 4 + k];
                        a.QsOf(t)[Q8Activations.QuantIndex(b, g * 4 + k)] = v;
                        a.InterleavedOf(t)[Q8Activations.InterleavedIndex(b, g * 4 + k)] = v;
                        sum += v;
                    }
                    a.RunOffsetsOf(t)[Q8Activations.RunIndex(b, g)] = -8 * sum;
                    total += sum;
                }
                a.SetBlock(t, b, 1f, total);
            }
        }
        return a;
    }

    public byte* Copy(byte[] data)
    {
        byte* p = Alloc(data.Length);
        data.CopyTo(new Span<byte>(p, data.Length));
        return p;
    }

    public void Dispose()
    {
        foreach (var p in _allocations)
        {
            NativeMemory.AlignedFree((void*)p);
        }
        _allocations.Clear();
    }
}

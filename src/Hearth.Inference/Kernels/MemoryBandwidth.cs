using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Hearth.Inference.Kernels;

/// <summary>One streaming-read measurement: every pass sums the whole buffer on all of the pool's threads.</summary>
/// <param name="BufferBytes">Bytes read per pass.</param>
/// <param name="Passes">Passes timed.</param>
/// <param name="MedianBytesPerSecond">Median over the passes (robust on a shared machine).</param>
/// <param name="BestBytesPerSecond">Fastest pass.</param>
public sealed record StreamingReadMeasurement(long BufferBytes, int Passes, double MedianBytesPerSecond, double BestBytesPerSecond);

/// <summary>Measures the memory bandwidth a mat-vec can hope for: the roofline decode is compared against.</summary>
public static class MemoryBandwidth
{
    /// <summary>256 MiB: eight times a 32 MiB L3, so passes stream from DRAM.</summary>
    public const long DefaultBufferBytes = 256L * 1024 * 1024;

    /// <summary>Median bytes/s of reading a <see cref="DefaultBufferBytes"/> buffer with all threads, for about <paramref name="duration"/>.</summary>
    public static double MeasureStreamingReadBytesPerSecond(ComputePool pool, TimeSpan duration) =>
        Measure(pool, duration, DefaultBufferBytes).MedianBytesPerSecond;

    /// <summary>Reads a fresh buffer of <paramref name="bufferBytes"/> repeatedly (at least 3 passes, then until <paramref name="duration"/> has elapsed).</summary>
    public static unsafe StreamingReadMeasurement Measure(ComputePool pool, TimeSpan duration, long bufferBytes)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, 1L << 20);
        bufferBytes &= ~((1L << 20) - 1);
        byte* buffer = (byte*)NativeMemory.AlignedAlloc((nuint)bufferBytes, 4096);
        try
        {
            NativeMemory.Fill(buffer, (nuint)bufferBytes, 1); // commit every page before timing
            var body = new SumBody(buffer);
            int chunks = (int)(bufferBytes >> 20);
            pool.For(chunks, body); // warm-up pass
            var rates = new List<double>();
            var total = Stopwatch.StartNew();
            while (rates.Count < 3 || (total.Elapsed < duration && rates.Count < 1000))
            {
                long t0 = Stopwatch.GetTimestamp();
                pool.For(chunks, body);
                rates.Add(bufferBytes / Stopwatch.GetElapsedTime(t0).TotalSeconds);
            }
            rates.Sort();
            return new StreamingReadMeasurement(bufferBytes, rates.Count, rates[rates.Count / 2], rates[^1]);
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    /// <summary>Sums 1 MiB chunks with four independent 256-bit accumulators (enough to saturate DRAM, not an ALU bound).</summary>
    private sealed unsafe class SumBody(byte* buffer) : IParallelBody
    {
        private long _sink;

        public void Run(int start, int end, int worker)
        {
            var a0 = Vector256<long>.Zero;
            var a1 = Vector256<long>.Zero;
            var a2 = Vector256<long>.Zero;
            var a3 = Vector256<long>.Zero;
            long* p = (long*)(buffer + ((long)start << 20));
            long* stop = (long*)(buffer + ((long)end << 20));
            for (; p < stop; p += 16)
            {
                a0 += Vector256.Load(p);
                a1 += Vector256.Load(p + 4);
                a2 += Vector256.Load(p + 8);
                a3 += Vector256.Load(p + 12);
            }
            Interlocked.Add(ref _sink, Vector256.Sum(a0 + a1 + a2 + a3));
        }
    }
}

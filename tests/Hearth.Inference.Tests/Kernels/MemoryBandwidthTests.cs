using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

public class MemoryBandwidthTests
{
    [Fact]
    public void Measure_SmallBuffer_ReportsPlausibleRates()
    {
        using var pool = new ComputePool(2);
        var m = MemoryBandwidth.Measure(pool, TimeSpan.FromMilliseconds(50), 64L << 20);
        Assert.Equal(64L << 20, m.BufferBytes);
        Assert.True(m.Passes >= 3);
        // Any machine that runs .NET streams faster than 100 MB/s and slower than 10 TB/s.
        Assert.InRange(m.MedianBytesPerSecond, 1e8, 1e13);
        Assert.True(m.BestBytesPerSecond >= m.MedianBytesPerSecond);
    }

    [Fact]
    public void Measure_TinyBuffer_Throws()
    {
        using var pool = new ComputePool(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryBandwidth.Measure(pool, TimeSpan.Zero, 1000));
    }
}

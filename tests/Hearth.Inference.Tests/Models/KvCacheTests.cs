using Hearth.Inference.Engine;
using Hearth.Inference.Models;

namespace Hearth.Inference.Tests.Models;

public sealed class KvCacheTests
{
    [Theory]
    [InlineData(KvCacheElementType.F32)]
    [InlineData(KvCacheElementType.F16)]
    public void Store_ThenRead_RoundTrips(KvCacheElementType type)
    {
        var cache = new KvCache(layers: 2, capacityTokens: 3, kvDim: 4, type);
        cache.Store(1, 2, [1f, 2f, 3f, 4f], [5f, 6f, 7f, 8.5f]);
        if (type == KvCacheElementType.F32)
        {
            Assert.Equal([1f, 2f, 3f, 4f], cache.Keys32(1, 3)[8..12].ToArray());
            Assert.Equal([5f, 6f, 7f, 8.5f], cache.Values32(1, 3)[8..12].ToArray());
        }
        else
        {
            Assert.Equal([1f, 2f, 3f, 4f], cache.Keys16(1, 3)[8..12].ToArray().Select(h => (float)h));
            Assert.Equal([5f, 6f, 7f, 8.5f], cache.Values16(1, 3)[8..12].ToArray().Select(h => (float)h));
        }
        Assert.Equal(2L * 2 * 3 * 4 * (type == KvCacheElementType.F32 ? 4 : 2), cache.Bytes);
    }

    [Fact]
    public void Store_BeyondCapacity_Throws()
    {
        var cache = new KvCache(1, 2, 2, KvCacheElementType.F32);
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Store(0, 2, [1f, 2f], [1f, 2f]));
    }
}

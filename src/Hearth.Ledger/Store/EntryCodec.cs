using System.Buffers.Binary;
using System.Text;
using Hearth.Ledger.Entries;

namespace Hearth.Ledger.Store;

/// <summary>Compact binary encoding of a (draft) entry for the journal: fixed field order, little-endian, length-prefixed strings.</summary>
internal static class EntryCodec
{
    public static byte[] Encode(LedgerEntry e)
    {
        var strings = new[] { e.NodeId, e.Tenant, e.ApiKeyId, e.Route, e.Backend, e.ModelId, e.ModelVersion, e.IntensitySource, e.Zone };
        var size = 16 + 8 + (3 * 8) + (15 * 8) + 1 + 1 + strings.Sum(s => 4 + Encoding.UTF8.GetByteCount(s));
        var buf = new byte[size];
        var span = buf.AsSpan();
        var o = 0;
        e.EntryId.TryWriteBytes(span[o..]);
        o += 16;
        L(span, ref o, LedgerHash.ToUnixMicroseconds(e.Timestamp));
        L(span, ref o, e.TokensIn);
        L(span, ref o, e.TokensOut);
        L(span, ref o, (long)e.EnergyMethod);
        foreach (var d in new[]
                 {
                     e.LatencyMilliseconds, e.CpuSeconds, e.EnergyWattHours, e.EnergyUncertaintyFraction, e.IntensityGramsCo2ePerKwh,
                     e.OperationalGramsCo2e, e.EmbodiedGramsCo2e, e.WaterLiters, e.HeatWattHours, e.HeatReusedWattHours,
                     e.SciGramsCo2ePerRequest, e.SciGramsCo2ePer1kTokens ?? 0, 0, 0, 0,
                 })
        {
            L(span, ref o, BitConverter.DoubleToInt64Bits(d));
        }
        span[o++] = e.SciGramsCo2ePer1kTokens.HasValue ? (byte)1 : (byte)0;
        span[o++] = 1; // codec version
        foreach (var s in strings)
        {
            var n = Encoding.UTF8.GetBytes(s, span[(o + 4)..]);
            BinaryPrimitives.WriteInt32LittleEndian(span[o..], n);
            o += 4 + n;
        }
        return buf;
    }

    public static LedgerEntry Decode(ReadOnlySpan<byte> b)
    {
        var o = 0;
        var id = new Guid(b.Slice(o, 16));
        o += 16;
        var ts = R(b, ref o);
        var tin = R(b, ref o);
        var tout = R(b, ref o);
        var method = (EnergyMethod)R(b, ref o);
        if (!Enum.IsDefined(method))
        {
            throw new InvalidDataException($"journal record: unknown energy method {(int)method}");
        }
        var d = new double[15];
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = BitConverter.Int64BitsToDouble(R(b, ref o));
        }
        var hasSci1k = b[o++] == 1;
        if (b[o++] != 1)
        {
            throw new InvalidDataException("journal record: unknown codec version");
        }
        var s = new string[9];
        for (var i = 0; i < s.Length; i++)
        {
            var n = BinaryPrimitives.ReadInt32LittleEndian(b[o..]);
            if (n < 0 || o + 4 + n > b.Length)
            {
                throw new InvalidDataException("journal record: string length out of range");
            }
            s[i] = Encoding.UTF8.GetString(b.Slice(o + 4, n));
            o += 4 + n;
        }
        return new LedgerEntry
        {
            EntryId = id,
            Timestamp = LedgerHash.FromUnixMicroseconds(ts),
            TokensIn = tin,
            TokensOut = tout,
            EnergyMethod = method,
            LatencyMilliseconds = d[0],
            CpuSeconds = d[1],
            EnergyWattHours = d[2],
            EnergyUncertaintyFraction = d[3],
            IntensityGramsCo2ePerKwh = d[4],
            OperationalGramsCo2e = d[5],
            EmbodiedGramsCo2e = d[6],
            WaterLiters = d[7],
            HeatWattHours = d[8],
            HeatReusedWattHours = d[9],
            SciGramsCo2ePerRequest = d[10],
            SciGramsCo2ePer1kTokens = hasSci1k ? d[11] : null,
            NodeId = s[0],
            Tenant = s[1],
            ApiKeyId = s[2],
            Route = s[3],
            Backend = s[4],
            ModelId = s[5],
            ModelVersion = s[6],
            IntensitySource = s[7],
            Zone = s[8],
        };
    }

    private static void L(Span<byte> s, ref int o, long v)
    {
        BinaryPrimitives.WriteInt64LittleEndian(s[o..], v);
        o += 8;
    }

    private static long R(ReadOnlySpan<byte> s, ref int o)
    {
        var v = BinaryPrimitives.ReadInt64LittleEndian(s[o..]);
        o += 8;
        return v;
    }
}

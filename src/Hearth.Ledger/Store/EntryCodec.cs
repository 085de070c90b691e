using System.Buffers.Binary;
using System.Text;
using Hearth.Ledger.Entries;

namespace Hearth.Ledger.Store;

/// <summary>
/// Compact binary encoding of a (draft) entry for the journal: fixed field order, little-endian, length-prefixed strings.
/// Codec version 2 (written) adds reason and policy after the nine strings of version 1 and then one outcome byte; version 1
/// records (journals left by an older build) still decode, with an empty reason and policy and outcome <c>ok</c>.
/// </summary>
internal static class EntryCodec
{
    private const byte CodecVersion = 2;

    public static byte[] Encode(LedgerEntry e)
    {
        var strings = new[] { e.NodeId, e.Tenant, e.ApiKeyId, e.Route, e.Backend, e.ModelId, e.ModelVersion, e.IntensitySource, e.Zone, e.Reason, e.Policy };
        var size = 16 + 8 + (3 * 8) + (15 * 8) + 1 + 1 + strings.Sum(s => 4 + Encoding.UTF8.GetByteCount(s)) + 1;
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
        span[o++] = CodecVersion;
        foreach (var s in strings)
        {
            var n = Encoding.UTF8.GetBytes(s, span[(o + 4)..]);
            BinaryPrimitives.WriteInt32LittleEndian(span[o..], n);
            o += 4 + n;
        }
        span[o] = (byte)e.Outcome;
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
        var codec = b[o++];
        if (codec is not (1 or 2))
        {
            throw new InvalidDataException($"journal record: unknown codec version {codec}");
        }
        var s = new string[codec == 1 ? 9 : 11];
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
        var outcome = RequestOutcome.Ok;
        if (codec >= 2)
        {
            outcome = (RequestOutcome)b[o];
            if (!Enum.IsDefined(outcome))
            {
                throw new InvalidDataException($"journal record: unknown outcome {(int)outcome}");
            }
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
            Reason = codec >= 2 ? s[9] : "",
            Policy = codec >= 2 ? s[10] : "",
            Outcome = outcome,
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

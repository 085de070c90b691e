using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hearth.Ledger.Entries;

/// <summary>
/// The hash chain: <c>Hash = SHA-256(canonical(entry))</c>, hex lower-case, where the canonical encoding starts with the
/// entry's encoding version and the previous hash. Fields follow in a fixed order: strings as UTF-8 with an int32 LE
/// length, integers as int64 LE, doubles as a presence byte and their IEEE-754 bits (int64 LE).
/// </summary>
/// <remarks>
/// <para>Version 1: the fields up to SCI per 1k tokens. Version 2 (current): version 1's fields, then reason, policy and
/// outcome (wire name). Each entry stores the version its hash used (<see cref="LedgerEntry.EncodingVersion"/>), so
/// entries sealed before version 2 keep verifying after the upgrade; new entries are always sealed with
/// <see cref="CurrentEncodingVersion"/>. A version-1 entry cannot carry a reason, policy or non-<c>ok</c> outcome: if a
/// stored one does, its hash input gets a marker byte, so it fails verification as edited.</para>
/// <para>Never change an existing version's fields or order: add a version instead.</para>
/// </remarks>
public static class LedgerHash
{
    /// <summary>The encoding version new entries are sealed with.</summary>
    public const int CurrentEncodingVersion = 2;

    /// <summary>Encoding versions this build can compute.</summary>
    public static bool IsKnownVersion(int version) => version is 1 or 2;

    /// <summary>The previous-hash of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>Computes the hash of <paramref name="entry"/> chained to <paramref name="prevHash"/>.</summary>
    public static string Compute(LedgerEntry entry, string prevHash)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Compute(entry, entry.Sequence, prevHash);
    }

    /// <summary>Computes the hash as if <paramref name="entry"/> had sequence <paramref name="sequence"/> (saves a copy when sealing).</summary>
    public static string Compute(LedgerEntry entry, long sequence, string prevHash)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var version = entry.EncodingVersion;
        if (!IsKnownVersion(version))
        {
            throw new ArgumentOutOfRangeException(nameof(entry), version, $"Unknown ledger encoding version {version} (known: 1, 2).");
        }
        var w = t_writer ??= new CanonicalWriter();
        w.Reset();
        w.Int(version);
        w.Str(prevHash);
        w.Int(sequence);
        w.Str(entry.EntryId.ToString("N"));
        w.Int(ToUnixMicroseconds(entry.Timestamp));
        w.Str(entry.NodeId);
        w.Str(entry.Tenant);
        w.Str(entry.ApiKeyId);
        w.Str(entry.Route);
        w.Str(entry.Backend);
        w.Str(entry.ModelId);
        w.Str(entry.ModelVersion);
        w.Int(entry.TokensIn);
        w.Int(entry.TokensOut);
        w.Dbl(entry.LatencyMilliseconds);
        w.Dbl(entry.CpuSeconds);
        w.Dbl(entry.EnergyWattHours);
        w.Str(entry.EnergyMethod.ToWireName());
        w.Dbl(entry.EnergyUncertaintyFraction);
        w.Dbl(entry.IntensityGramsCo2ePerKwh);
        w.Str(entry.IntensitySource);
        w.Str(entry.Zone);
        w.Dbl(entry.OperationalGramsCo2e);
        w.Dbl(entry.EmbodiedGramsCo2e);
        w.Dbl(entry.WaterLiters);
        w.Dbl(entry.HeatWattHours);
        w.Dbl(entry.HeatReusedWattHours);
        w.Dbl(entry.SciGramsCo2ePerRequest);
        w.OptDbl(entry.SciGramsCo2ePer1kTokens);
        if (version >= 2)
        {
            w.Str(entry.Reason);
            w.Str(entry.Policy);
            w.Str(entry.Outcome.ToWireName());
        }
        else if (entry.Reason.Length > 0 || entry.Policy.Length > 0 || entry.Outcome != RequestOutcome.Ok)
        {
            // Version 1 had no such fields, so a stored v1 entry with them was edited: make sure its hash cannot match.
            w.Marker();
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(w.Written, hash);
        return Convert.ToHexStringLower(hash);
    }

    [ThreadStatic]
    private static CanonicalWriter? t_writer;

    /// <summary>Microseconds since the Unix epoch (UTC).</summary>
    public static long ToUnixMicroseconds(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>The inverse of <see cref="ToUnixMicroseconds"/>.</summary>
    public static DateTimeOffset FromUnixMicroseconds(long us) => new(DateTimeOffset.UnixEpoch.UtcTicks + (us * 10), TimeSpan.Zero);

    /// <summary>Truncates a time to whole microseconds (what the stores keep).</summary>
    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset t) => FromUnixMicroseconds(ToUnixMicroseconds(t));

    /// <summary>Formats a double with round-trip precision, invariant culture.</summary>
    internal static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private sealed class CanonicalWriter
    {
        private byte[] _buf = new byte[512];
        private int _len;

        public ReadOnlySpan<byte> Written => _buf.AsSpan(0, _len);

        public void Reset() => _len = 0;

        public void Int(long v)
        {
            Ensure(8);
            BinaryPrimitives.WriteInt64LittleEndian(_buf.AsSpan(_len), v);
            _len += 8;
        }

        public void Dbl(double v)
        {
            Ensure(9);
            _buf[_len++] = 1;
            BinaryPrimitives.WriteInt64LittleEndian(_buf.AsSpan(_len), BitConverter.DoubleToInt64Bits(v));
            _len += 8;
        }

        public void Marker()
        {
            Ensure(1);
            _buf[_len++] = 0xFF;
        }

        public void OptDbl(double? v)
        {
            if (v is { } d)
            {
                Dbl(d);
            }
            else
            {
                Ensure(1);
                _buf[_len++] = 0;
            }
        }

        public void Str(string s)
        {
            var n = Encoding.UTF8.GetByteCount(s);
            Ensure(4 + n);
            BinaryPrimitives.WriteInt32LittleEndian(_buf.AsSpan(_len), n);
            _len += 4;
            _len += Encoding.UTF8.GetBytes(s, _buf.AsSpan(_len));
        }

        private void Ensure(int extra)
        {
            if (_len + extra > _buf.Length)
            {
                Array.Resize(ref _buf, Math.Max(_buf.Length * 2, _len + extra));
            }
        }
    }
}

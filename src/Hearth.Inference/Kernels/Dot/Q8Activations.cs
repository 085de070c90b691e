using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Activations quantized to 8 bits in blocks of 32 for the Q8_0 and Q4_0 kernels (the Q8_0 scheme, float scales):
/// per token, <see cref="Blocks"/> blocks of 32 × int8 (contiguous), a float scale per block, and per block 8 ints holding
/// −8 × the sum of each run of 4 quants (the offset Q4_0's unsigned nibbles need, pre-laid-out as a dot-product accumulator),
/// and per block the float d·Σq (lets a kernel apply a constant offset of the weights in float, once per block).
/// </summary>
internal readonly unsafe struct Q8Activations(sbyte* qs, float* scales, int* offsets, float* scaledSums, int blocks)
{
    public sbyte* Qs { get; } = qs;
    public float* Scales { get; } = scales;
    public int* Offsets { get; } = offsets;
    public float* ScaledSums { get; } = scaledSums;
    public int Blocks { get; } = blocks;

    /// <summary>Bytes of scratch needed per token for <paramref name="blocks"/> blocks (all regions).</summary>
    public static long BytesPerToken(int blocks) => blocks * (32L + 4 + 32 + 4);

    /// <summary>Lays the four regions out in one buffer of <paramref name="tokens"/> × <see cref="BytesPerToken"/> bytes.</summary>
    public static Q8Activations In(byte* buffer, int tokens, int blocks)
    {
        long n = (long)tokens * blocks;
        return new Q8Activations((sbyte*)buffer, (float*)(buffer + n * 32), (int*)(buffer + n * 36), (float*)(buffer + n * 68), blocks);
    }

    public sbyte* QsOf(int token) => Qs + (long)token * Blocks * 32;
    public float* ScalesOf(int token) => Scales + (long)token * Blocks;
    public int* OffsetsOf(int token) => Offsets + (long)token * Blocks * 8;
    public float* ScaledSumsOf(int token) => ScaledSums + (long)token * Blocks;

    /// <summary>Quantizes one token's row of <see cref="Blocks"/>·32 floats (AVX2 when available, else scalar).</summary>
    public void Quantize(int token, float* x)
    {
        if (Avx2.IsSupported)
        {
            QuantizeAvx2(token, x);
        }
        else
        {
            QuantizeScalar(token, x);
        }
    }

    internal void QuantizeScalar(int token, float* x)
    {
        sbyte* q = QsOf(token);
        float* d = ScalesOf(token);
        int* o = OffsetsOf(token);
        float* ss = ScaledSumsOf(token);
        for (int b = 0; b < Blocks; b++)
        {
            float amax = 0;
            for (int i = 0; i < 32; i++)
            {
                amax = MathF.Max(amax, MathF.Abs(x[b * 32 + i]));
            }
            float scale = amax / 127f;
            float inv = scale != 0 ? 1f / scale : 0f;
            d[b] = scale;
            int total = 0;
            for (int g = 0; g < 8; g++)
            {
                int sum = 0;
                for (int i = 0; i < 4; i++)
                {
                    int v = (int)MathF.Round(x[b * 32 + g * 4 + i] * inv, MidpointRounding.ToEven);
                    q[b * 32 + g * 4 + i] = (sbyte)v;
                    sum += v;
                }
                o[b * 8 + g] = -8 * sum;
                total += sum;
            }
            ss[b] = scale * total;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void QuantizeAvx2(int token, float* x)
    {
        sbyte* q = QsOf(token);
        float* d = ScalesOf(token);
        int* o = OffsetsOf(token);
        float* ss = ScaledSumsOf(token);
        var absMask = Vector256.Create(0x7fffffff).AsSingle();
        var packOrder = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
        var ones = Vector256.Create((sbyte)1);
        var minus8 = Vector256.Create(-8);
        for (int b = 0; b < Blocks; b++, x += 32)
        {
            var v0 = Avx.LoadVector256(x);
            var v1 = Avx.LoadVector256(x + 8);
            var v2 = Avx.LoadVector256(x + 16);
            var v3 = Avx.LoadVector256(x + 24);
            var m = Avx.Max(Avx.Max(Avx.And(v0, absMask), Avx.And(v1, absMask)), Avx.Max(Avx.And(v2, absMask), Avx.And(v3, absMask)));
            var m4 = Sse.Max(m.GetLower(), m.GetUpper());
            m4 = Sse.Max(m4, Sse.MoveHighToLow(m4, m4));
            m4 = Sse.MaxScalar(m4, Sse.Shuffle(m4, m4, 1));
            float scale = m4.ToScalar() / 127f;
            float inv = scale != 0 ? 1f / scale : 0f;
            d[b] = scale;
            var vi = Vector256.Create(inv);
            var i0 = Avx.ConvertToVector256Int32(Avx.Multiply(v0, vi));
            var i1 = Avx.ConvertToVector256Int32(Avx.Multiply(v1, vi));
            var i2 = Avx.ConvertToVector256Int32(Avx.Multiply(v2, vi));
            var i3 = Avx.ConvertToVector256Int32(Avx.Multiply(v3, vi));
            // Pack 32 × int32 → 32 × int8; the two in-lane packs interleave 128-bit halves, which the permute undoes.
            var s01 = Avx2.PackSignedSaturate(i0, i1);
            var s23 = Avx2.PackSignedSaturate(i2, i3);
            var bytes = Avx2.PackSignedSaturate(s01, s23);
            bytes = Avx2.PermuteVar8x32(bytes.AsInt32(), packOrder).AsSByte();
            Avx.Store(q + b * 32, bytes);
            // Sum of each run of 4: multiply by ones as (unsigned 1)·(signed q) pairs.
            var sums = Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ones.AsByte(), bytes), Vector256.Create((short)1));
            Avx.Store(o + b * 8, Avx2.MultiplyLow(sums, minus8));
            var s4 = Sse2.Add(sums.GetLower(), sums.GetUpper());
            s4 = Sse2.Add(s4, Sse2.Shuffle(s4, 0b_01_00_11_10));
            s4 = Sse2.Add(s4, Sse2.Shuffle(s4, 0b_10_11_00_01));
            ss[b] = scale * s4.ToScalar();
        }
    }
}

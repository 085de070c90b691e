using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hearth.Inference.Kernels;

/// <summary>Small SIMD building blocks shared by the dot-product kernels.</summary>
internal static class Simd
{
    /// <summary>
    /// acc + Σ u[4i..4i+3]·s[4i..4i+3] per int32 lane: one <c>vpdpbusd</c> with AVX-VNNI, else <c>vpmaddubsw</c> + <c>vpmaddwd</c>.
    /// Without VNNI the int16 pair sums saturate, so callers keep |u·s| pairs ≤ 32767 (u ≤ 128 with |s| ≤ 127, or u ≤ 63).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> DotU8S8(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> s)
    {
        if (AvxVnni.IsSupported)
        {
            return AvxVnni.MultiplyWideningAndAdd(acc, u, s);
        }
        return Avx2.Add(acc, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u, s), Vector256.Create((short)1)));
    }

    /// <summary>acc + Σ a[2i..2i+1]·b[2i..2i+1] per int32 lane (int16 inputs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> DotS16(Vector256<int> acc, Vector256<short> a, Vector256<short> b)
    {
        if (AvxVnni.IsSupported)
        {
            return AvxVnni.MultiplyWideningAndAdd(acc, a, b);
        }
        return Avx2.Add(acc, Avx2.MultiplyAddAdjacent(a, b));
    }

    /// <summary>acc + Σ u[4i..4i+3]·s[4i..4i+3] per int32 lane with AVX-512BW (pair sums saturate at int16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> DotU8S8(Vector512<int> acc, Vector512<byte> u, Vector512<sbyte> s) =>
        Avx512BW.Add(acc, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(u, s), Vector512.Create((short)1)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> v)
    {
        var x = Sse.Add(v.GetLower(), v.GetUpper());
        x = Sse.Add(x, Sse.MoveHighToLow(x, x));
        x = Sse.AddScalar(x, Sse.Shuffle(x, x, 1));
        return x.ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> x)
    {
        x = Sse.Add(x, Sse.MoveHighToLow(x, x));
        x = Sse.AddScalar(x, Sse.Shuffle(x, x, 1));
        return x.ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> v) => Sum(Avx.Add(v.GetLower(), v.GetUpper()));

    /// <summary>Loads 32 bytes from each of two addresses into one 512-bit vector (low half from <paramref name="lo"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<sbyte> Load2x256(sbyte* lo, sbyte* hi) =>
        Vector512.Create(Avx.LoadVector256(lo), Avx.LoadVector256(hi));

    private const float TwoPow112 = 5.192296858534828e33f;

    /// <summary>4 halves (low 16 bits of each lane) → 4 floats, exact (subnormals, infinities, NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HalfToSingle(Vector128<int> h)
    {
        // Same bit trick as HalfBits.ToSingle, four lanes at a time.
        var magnitude = Sse2.And(h, Vector128.Create(0x7fff));
        var sign = Sse2.ShiftLeftLogical(Sse2.And(h, Vector128.Create(0x8000)), 16);
        var shifted = Sse2.ShiftLeftLogical(magnitude, 13);
        var finite = Sse.Multiply(shifted.AsSingle(), Vector128.Create(TwoPow112));
        var special = Sse2.Or(shifted, Vector128.Create(0x7f800000)).AsSingle();
        var isSpecial = Sse2.CompareGreaterThan(magnitude, Vector128.Create(0x7bff)).AsSingle();
        return Sse.Or(Sse41.BlendVariable(finite, special, isSpecial), sign.AsSingle());
    }

    /// <summary>8 halves (low 16 bits of each lane) → 8 floats, exact (subnormals, infinities, NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HalfToSingle(Vector256<int> h)
    {
        var magnitude = Avx2.And(h, Vector256.Create(0x7fff));
        var sign = Avx2.ShiftLeftLogical(Avx2.And(h, Vector256.Create(0x8000)), 16);
        var shifted = Avx2.ShiftLeftLogical(magnitude, 13);
        var finite = Avx.Multiply(shifted.AsSingle(), Vector256.Create(TwoPow112));
        var special = Avx2.Or(shifted, Vector256.Create(0x7f800000)).AsSingle();
        var isSpecial = Avx2.CompareGreaterThan(magnitude, Vector256.Create(0x7bff)).AsSingle();
        return Avx.Or(Avx.BlendVariable(finite, special, isSpecial), sign.AsSingle());
    }

    /// <summary>16 halves (low 16 bits of each lane) → 16 floats, exact (subnormals, infinities, NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HalfToSingle(Vector512<int> h)
    {
        var magnitude = Avx512F.And(h, Vector512.Create(0x7fff));
        var sign = Avx512F.ShiftLeftLogical(Avx512F.And(h, Vector512.Create(0x8000)), 16);
        var shifted = Avx512F.ShiftLeftLogical(magnitude, 13);
        var finite = Avx512F.Multiply(shifted.AsSingle(), Vector512.Create(TwoPow112));
        var special = Avx512F.Or(shifted, Vector512.Create(0x7f800000)).AsSingle();
        var isSpecial = Vector512.GreaterThan(magnitude, Vector512.Create(0x7bff)).AsSingle();
        return Vector512.ConditionalSelect(isSpecial, special, finite) | sign.AsSingle();
    }

    /// <summary>
    /// The fp16 scales of 8 consecutive blocks of <paramref name="stride"/> bytes as floats, in the grouped kernels' lane
    /// order [0, 2, 4, 6, 1, 3, 5, 7] (<see cref="Q8Activations.Lane"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> GroupScales(byte* w, int stride) =>
        HalfToSingle(Avx2.ConvertToVector256Int32(Vector128.Create(
            *(ushort*)w, *(ushort*)(w + 2 * stride), *(ushort*)(w + 4 * stride), *(ushort*)(w + 6 * stride),
            *(ushort*)(w + stride), *(ushort*)(w + 3 * stride), *(ushort*)(w + 5 * stride), *(ushort*)(w + 7 * stride))).AsInt32());

    /// <summary>
    /// <see cref="GroupScales(byte*, int)"/> of a ragged group: the first <paramref name="blocks"/> (1..7) scales, zero for the
    /// absent blocks (nothing past them is read).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> GroupScales(byte* w, int stride, int blocks) =>
        HalfToSingle(Avx2.ConvertToVector256Int32(Vector128.Create(
            Half(w, stride, 0, blocks), Half(w, stride, 2, blocks), Half(w, stride, 4, blocks), Half(w, stride, 6, blocks),
            Half(w, stride, 1, blocks), Half(w, stride, 3, blocks), Half(w, stride, 5, blocks), Half(w, stride, 7, blocks))).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe ushort Half(byte* w, int stride, int block, int blocks) => block < blocks ? *(ushort*)(w + block * stride) : (ushort)0;

    /// <summary>Writes the first <typeparamref name="TCount"/> of the four results.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store<TCount>(float* dst, float t0, float t1, float t2, float t3) where TCount : struct, ITokenCount
    {
        dst[0] = t0;
        if (TCount.Value > 1)
        {
            dst[1] = t1;
        }
        if (TCount.Value > 2)
        {
            dst[2] = t2;
        }
        if (TCount.Value > 3)
        {
            dst[3] = t3;
        }
    }

    /// <summary>[a × 4, b × 4, a × 4, b × 4]: per-lane scales of a pair of blocks in the activations' pair layout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> PairLanes(float a, float b)
    {
        var ab = Vector256.Create(Vector128.Create(a), Vector128.Create(b));
        return Vector512.Create(ab, ab);
    }
}

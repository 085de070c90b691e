using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hearth.Inference.Kernels;

/// <summary>
/// Float weight rows (F32, F16, BF16) · F32 activations. The SIMD paths convert weights in registers (F16 with an exact bit
/// trick, since .NET exposes no F16C) and keep 2–4 independent FMA chains; any ragged tail is finished in scalar code.
/// </summary>
internal static unsafe class DotFloat
{

    public static float ScalarF32(float* w, float* x, int n)
    {
        float s = 0;
        for (int i = 0; i < n; i++)
        {
            s += w[i] * x[i];
        }
        return s;
    }

    public static float ScalarF16(ushort* w, float* x, int n)
    {
        float s = 0;
        for (int i = 0; i < n; i++)
        {
            s += HalfBits.ToSingle(w[i]) * x[i];
        }
        return s;
    }

    public static float ScalarBF16(ushort* w, float* x, int n)
    {
        float s = 0;
        for (int i = 0; i < n; i++)
        {
            s += HalfBits.BFloat16ToSingle(w[i]) * x[i];
        }
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Avx2F32(float* w, float* x, int n)
    {
        var a0 = Vector256<float>.Zero;
        var a1 = Vector256<float>.Zero;
        int i = 0;
        for (; i + 16 <= n; i += 16)
        {
            a0 = Fma.MultiplyAdd(Avx.LoadVector256(w + i), Avx.LoadVector256(x + i), a0);
            a1 = Fma.MultiplyAdd(Avx.LoadVector256(w + i + 8), Avx.LoadVector256(x + i + 8), a1);
        }
        for (; i + 8 <= n; i += 8)
        {
            a0 = Fma.MultiplyAdd(Avx.LoadVector256(w + i), Avx.LoadVector256(x + i), a0);
        }
        return Simd.Sum(Avx.Add(a0, a1)) + ScalarF32(w + i, x + i, n - i);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Avx512F32(float* w, float* x, int n)
    {
        var a0 = Vector512<float>.Zero;
        var a1 = Vector512<float>.Zero;
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            a0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(w + i), Avx512F.LoadVector512(x + i), a0);
            a1 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(w + i + 16), Avx512F.LoadVector512(x + i + 16), a1);
        }
        for (; i + 16 <= n; i += 16)
        {
            a0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(w + i), Avx512F.LoadVector512(x + i), a0);
        }
        return Simd.Sum(Avx512F.Add(a0, a1)) + ScalarF32(w + i, x + i, n - i);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Avx2F16(ushort* w, float* x, int n)
    {
        var a0 = Vector256<float>.Zero;
        var a1 = Vector256<float>.Zero;
        int i = 0;
        for (; i + 16 <= n; i += 16)
        {
            a0 = Fma.MultiplyAdd(Simd.HalfToSingle(Avx2.ConvertToVector256Int32(w + i).AsInt32()), Avx.LoadVector256(x + i), a0);
            a1 = Fma.MultiplyAdd(Simd.HalfToSingle(Avx2.ConvertToVector256Int32(w + i + 8).AsInt32()), Avx.LoadVector256(x + i + 8), a1);
        }
        for (; i + 8 <= n; i += 8)
        {
            a0 = Fma.MultiplyAdd(Simd.HalfToSingle(Avx2.ConvertToVector256Int32(w + i).AsInt32()), Avx.LoadVector256(x + i), a0);
        }
        return Simd.Sum(Avx.Add(a0, a1)) + ScalarF16(w + i, x + i, n - i);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Avx512F16(ushort* w, float* x, int n)
    {
        var a0 = Vector512<float>.Zero;
        var a1 = Vector512<float>.Zero;
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            a0 = Avx512F.FusedMultiplyAdd(Simd.HalfToSingle(Avx512F.ConvertToVector512Int32(Avx.LoadVector256(w + i))), Avx512F.LoadVector512(x + i), a0);
            a1 = Avx512F.FusedMultiplyAdd(Simd.HalfToSingle(Avx512F.ConvertToVector512Int32(Avx.LoadVector256(w + i + 16))), Avx512F.LoadVector512(x + i + 16), a1);
        }
        for (; i + 16 <= n; i += 16)
        {
            a0 = Avx512F.FusedMultiplyAdd(Simd.HalfToSingle(Avx512F.ConvertToVector512Int32(Avx.LoadVector256(w + i))), Avx512F.LoadVector512(x + i), a0);
        }
        return Simd.Sum(Avx512F.Add(a0, a1)) + ScalarF16(w + i, x + i, n - i);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Avx2BF16(ushort* w, float* x, int n)
    {
        var a0 = Vector256<float>.Zero;
        var a1 = Vector256<float>.Zero;
        int i = 0;
        for (; i + 16 <= n; i += 16)
        {
            a0 = Fma.MultiplyAdd(Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(w + i), 16).AsSingle(), Avx.LoadVector256(x + i), a0);
            a1 = Fma.MultiplyAdd(Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(w + i + 8), 16).AsSingle(), Avx.LoadVector256(x + i + 8), a1);
        }
        for (; i + 8 <= n; i += 8)
        {
            a0 = Fma.MultiplyAdd(Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(w + i), 16).AsSingle(), Avx.LoadVector256(x + i), a0);
        }
        return Simd.Sum(Avx.Add(a0, a1)) + ScalarBF16(w + i, x + i, n - i);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Avx512BF16(ushort* w, float* x, int n)
    {
        var a0 = Vector512<float>.Zero;
        var a1 = Vector512<float>.Zero;
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            a0 = Avx512F.FusedMultiplyAdd(Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512UInt32(Avx.LoadVector256(w + i)), 16).AsSingle(), Avx512F.LoadVector512(x + i), a0);
            a1 = Avx512F.FusedMultiplyAdd(Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512UInt32(Avx.LoadVector256(w + i + 16)), 16).AsSingle(), Avx512F.LoadVector512(x + i + 16), a1);
        }
        for (; i + 16 <= n; i += 16)
        {
            a0 = Avx512F.FusedMultiplyAdd(Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512UInt32(Avx.LoadVector256(w + i)), 16).AsSingle(), Avx512F.LoadVector512(x + i), a0);
        }
        return Simd.Sum(Avx512F.Add(a0, a1)) + ScalarBF16(w + i, x + i, n - i);
    }
}

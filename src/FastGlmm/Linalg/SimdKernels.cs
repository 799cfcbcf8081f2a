using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastGlmm.Linalg;

/// <summary>The register-blocked multiply–add kernel the panel Cholesky and the inverse from a factor share.</summary>
internal static class SimdKernels
{
    /// <summary>
    /// C[i, c] += Σ_k A[i, k]·coef[4k + c] for rows i ∈ [r0, r1), columns c &lt; w (C's column c at c0 + c·ldc, A's
    /// column k at a0 + k·lda), with 2 × 4 SIMD accumulators (fused multiply–adds; rows past the last multiple of
    /// 2·Vector&lt;double&gt;.Count, and w &lt; 4, by plain multiply–adds): a fixed order per entry, whatever the thread.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MultiplyAdd(double[] cm, long c0, int ldc, int w, double[] am, long a0, int lda,
        ReadOnlySpan<double> coef, int kCount, int r0, int r1)
    {
        int vc = Vector<double>.Count;
        ref double cr = ref cm[0];
        ref double ar = ref am[0];
        ref double cf = ref MemoryMarshal.GetReference(coef);
        int i = r0;
        if (Vector.IsHardwareAccelerated && w == 4)
        {
            nuint d0 = (nuint)c0, d1 = d0 + (nuint)ldc, d2 = d1 + (nuint)ldc, d3 = d2 + (nuint)ldc;
            for (; i + 2 * vc <= r1; i += 2 * vc)
            {
                nuint r = (nuint)i, r2 = (nuint)(i + vc);
                var s00 = Vector.LoadUnsafe(ref cr, d0 + r); var s01 = Vector.LoadUnsafe(ref cr, d0 + r2);
                var s10 = Vector.LoadUnsafe(ref cr, d1 + r); var s11 = Vector.LoadUnsafe(ref cr, d1 + r2);
                var s20 = Vector.LoadUnsafe(ref cr, d2 + r); var s21 = Vector.LoadUnsafe(ref cr, d2 + r2);
                var s30 = Vector.LoadUnsafe(ref cr, d3 + r); var s31 = Vector.LoadUnsafe(ref cr, d3 + r2);
                nuint ak = (nuint)a0;
                for (int k = 0; k < kCount; k++, ak += (nuint)lda)
                {
                    var x0 = Vector.LoadUnsafe(ref ar, ak + r);
                    var x1 = Vector.LoadUnsafe(ref ar, ak + r2);
                    ref double wk = ref Unsafe.Add(ref cf, 4 * k);
                    var w0 = new Vector<double>(wk);
                    var w1 = new Vector<double>(Unsafe.Add(ref wk, 1));
                    var w2 = new Vector<double>(Unsafe.Add(ref wk, 2));
                    var w3 = new Vector<double>(Unsafe.Add(ref wk, 3));
                    s00 = Vector.FusedMultiplyAdd(w0, x0, s00); s01 = Vector.FusedMultiplyAdd(w0, x1, s01);
                    s10 = Vector.FusedMultiplyAdd(w1, x0, s10); s11 = Vector.FusedMultiplyAdd(w1, x1, s11);
                    s20 = Vector.FusedMultiplyAdd(w2, x0, s20); s21 = Vector.FusedMultiplyAdd(w2, x1, s21);
                    s30 = Vector.FusedMultiplyAdd(w3, x0, s30); s31 = Vector.FusedMultiplyAdd(w3, x1, s31);
                }
                s00.StoreUnsafe(ref cr, d0 + r); s01.StoreUnsafe(ref cr, d0 + r2);
                s10.StoreUnsafe(ref cr, d1 + r); s11.StoreUnsafe(ref cr, d1 + r2);
                s20.StoreUnsafe(ref cr, d2 + r); s21.StoreUnsafe(ref cr, d2 + r2);
                s30.StoreUnsafe(ref cr, d3 + r); s31.StoreUnsafe(ref cr, d3 + r2);
            }
        }
        for (; i < r1; i++)
            for (int c = 0; c < w; c++)
            {
                long at = c0 + (long)c * ldc + i;
                double sum = cm[at];
                for (int k = 0; k < kCount; k++) sum += coef[k * 4 + c] * am[a0 + (long)k * lda + i];
                cm[at] = sum;
            }
    }
}

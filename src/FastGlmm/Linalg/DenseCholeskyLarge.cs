using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastGlmm.Linalg;

/// <summary>
/// The lower Cholesky factor of a large dense symmetric positive-definite matrix (hundreds to thousands of rows),
/// right-looking by panels of <see cref="Panel"/> columns with SIMD column updates, the trailing update parallel
/// over columns. Every entry is computed by the same operations in the same order whatever the thread count.
/// </summary>
public static class DenseCholeskyLarge
{
    /// <summary>Columns per panel.</summary>
    public const int Panel = 64;

    /// <summary>
    /// Overwrites the lower triangle of the n × n matrix A (column-major, in <paramref name="a"/>) with L, A = LL'.
    /// The strict upper triangle is not read (and is overwritten with values of no meaning). Returns false when a pivot is not positive (A not numerically PD).
    /// </summary>
    public static bool Factor(double[] a, int n, bool parallel = true)
    {
        Span<double> coef = stackalloc double[4 * Panel];
        for (int kb = 0; kb < n; kb += Panel)
        {
            int ke = Math.Min(kb + Panel, n);
            // The panel's columns, four at a time: the panel's earlier columns applied to the group by the SIMD
            // kernel, then the group factored among itself (earlier panels are already applied).
            for (int jg = kb; jg < ke; jg += 4)
            {
                int w = Math.Min(4, ke - jg);
                if (jg > kb) UpdateGroup(a, n, kb, jg - kb, jg, w, coef);
                for (int j = jg; j < jg + w; j++)
                {
                    long cj = (long)j * n;
                    for (int k = jg; k < j; k++) Axpy(a, cj + j, a, (long)k * n + j, -a[(long)k * n + j], n - j);
                    double d = a[cj + j];
                    if (!(d > 0)) return false;
                    d = Math.Sqrt(d);
                    a[cj + j] = d;
                    Scale(a, cj + j + 1, 1 / d, n - j - 1);
                }
            }
            if (ke == n) break;
            // Trailing update A22 −= L21 L21', four columns at a time (see UpdateGroup).
            int groups = (n - ke + 3) / 4;
            int panel = ke - kb;
            void Update(int g)
            {
                Span<double> w = stackalloc double[4 * Panel];
                int j = ke + 4 * g;
                UpdateGroup(a, n, kb, panel, j, Math.Min(4, n - j), w);
            }
            if (!parallel || (long)(n - ke) * (n - ke) * panel < 4_000_000) for (int g = 0; g < groups; g++) Update(g);
            else Parallel.For(0, groups, Update);
        }
        return true;
    }

    /// <summary>
    /// Columns j … j+w−1 (w ≤ 4) of the trailing part, rows j … n−1: A[i, j+c] −= Σ_k L[j+c, k] L[i, k] over the panel's
    /// columns k = kb … kb+panel−1, with 2 × 4 SIMD accumulators per step (fused multiply–adds: the same result on
    /// every thread, since each entry's operations and their order are fixed). Rows above a column's diagonal (at most 3
    /// per column) get values too; they lie in the strict upper triangle, which is never read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UpdateGroup(double[] a, int n, int kb, int panel, int j, int w, Span<double> coef)
    {
        for (int k = 0; k < panel; k++)
            for (int c = 0; c < 4; c++) coef[k * 4 + c] = c < w ? -a[(long)(kb + k) * n + j + c] : 0;
        int vc = Vector<double>.Count;
        ref double a0 = ref a[0];
        int i = j;
        if (Vector.IsHardwareAccelerated && w == 4)
        {
            nuint c0 = (nuint)((long)j * n), c1 = c0 + (nuint)n, c2 = c1 + (nuint)n, c3 = c2 + (nuint)n;
            for (; i + 2 * vc <= n; i += 2 * vc)
            {
                nuint r = (nuint)i, r2 = (nuint)(i + vc);
                var s00 = Vector.LoadUnsafe(ref a0, c0 + r); var s01 = Vector.LoadUnsafe(ref a0, c0 + r2);
                var s10 = Vector.LoadUnsafe(ref a0, c1 + r); var s11 = Vector.LoadUnsafe(ref a0, c1 + r2);
                var s20 = Vector.LoadUnsafe(ref a0, c2 + r); var s21 = Vector.LoadUnsafe(ref a0, c2 + r2);
                var s30 = Vector.LoadUnsafe(ref a0, c3 + r); var s31 = Vector.LoadUnsafe(ref a0, c3 + r2);
                nuint ck = (nuint)((long)kb * n);
                ref double cf = ref MemoryMarshal.GetReference(coef);
                for (int k = 0; k < panel; k++, ck += (nuint)n)
                {
                    var x0 = Vector.LoadUnsafe(ref a0, ck + r);
                    var x1 = Vector.LoadUnsafe(ref a0, ck + r2);
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
                s00.StoreUnsafe(ref a0, c0 + r); s01.StoreUnsafe(ref a0, c0 + r2);
                s10.StoreUnsafe(ref a0, c1 + r); s11.StoreUnsafe(ref a0, c1 + r2);
                s20.StoreUnsafe(ref a0, c2 + r); s21.StoreUnsafe(ref a0, c2 + r2);
                s30.StoreUnsafe(ref a0, c3 + r); s31.StoreUnsafe(ref a0, c3 + r2);
            }
        }
        for (; i < n; i++)
            for (int c = 0; c < w; c++)
            {
                long at = (long)(j + c) * n + i;
                double sum = a[at];
                for (int k = 0; k < panel; k++) sum += coef[k * 4 + c] * a[(long)(kb + k) * n + i];
                a[at] = sum;
            }
    }

    /// <summary>y[yo .. yo+len) += alpha · x[xo .. xo+len).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Axpy(double[] y, long yo, double[] x, long xo, double alpha, int len)
    {
        if (len <= 0) return;
        var ys = MemoryMarshal.CreateSpan(ref y[yo], len);
        var xs = MemoryMarshal.CreateReadOnlySpan(ref x[xo], len);
        int i = 0;
        if (Vector.IsHardwareAccelerated && len >= Vector<double>.Count)
        {
            var va = new Vector<double>(alpha);
            ref double yr = ref MemoryMarshal.GetReference(ys);
            ref double xr = ref MemoryMarshal.GetReference(xs);
            for (; i <= len - Vector<double>.Count; i += Vector<double>.Count)
            {
                var v = Vector.LoadUnsafe(ref yr, (nuint)i) + va * Vector.LoadUnsafe(ref xr, (nuint)i);
                v.StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < len; i++) ys[i] += alpha * xs[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scale(double[] y, long yo, double s, int len)
    {
        if (len <= 0) return;
        var ys = MemoryMarshal.CreateSpan(ref y[yo], len);
        for (int i = 0; i < ys.Length; i++) ys[i] *= s;
    }
}

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
    private static void UpdateGroup(double[] a, int n, int kb, int panel, int j, int w, Span<double> coef)
    {
        for (int k = 0; k < panel; k++)
            for (int c = 0; c < 4; c++) coef[k * 4 + c] = c < w ? -a[(long)(kb + k) * n + j + c] : 0;
        SimdKernels.MultiplyAdd(a, (long)j * n, n, w, a, (long)kb * n, n, coef, panel, j, n);
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

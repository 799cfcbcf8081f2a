namespace FastGlmm.Linalg;

/// <summary>
/// A⁻¹ = L⁻ᵀL⁻¹ from the lower Cholesky factor L of a large dense SPD matrix (LAPACK's potri), by panels of
/// <see cref="Panel"/> columns with a SIMD multiply–add kernel: Y = L⁻¹ panel by panel (blocked forward substitution
/// with 64 right-hand sides: each diagonal block by L_JJ⁻¹, formed once, and the rows below by C −= L_IJ Y_J), then Z = Yᵀ and
/// A⁻¹ = ZZᵀ (Z upper triangular). About n³/3 multiply–adds in all; every entry is computed by the same operations in
/// the same order whatever the thread count.
/// </summary>
public static class CholeskyInverse
{
    /// <summary>Columns per panel.</summary>
    public const int Panel = 64;

    /// <summary>
    /// A⁻¹ (n × n, column-major) with its lower triangle filled (row ≥ column; the strict upper triangle holds values
    /// of no meaning) from L (n × n, column-major, lower triangle read).
    /// </summary>
    /// <param name="l">L, n × n.</param>
    /// <param name="n">The order.</param>
    /// <param name="parallel">Whether panels and column groups run in parallel.</param>
    /// <param name="result">Optional storage for the result (n² entries; reused between calls to spare the allocation).</param>
    /// <param name="work">Optional work storage of exactly n² entries, zero below the diagonal (as new, or as a previous
    /// call of the same order left it).</param>
    public static double[] Inverse(double[] l, int n, bool parallel = true, double[]? result = null, double[]? work = null)
    {
        var y = LowerInverse(l, n, parallel, result);
        // Z = Yᵀ: Z[k, a] = Y[a, k], upper triangular; its strict lower part is read as zeros, and is never written, so a
        // reused work array keeps them.
        var z = work is { } wk && wk.LongLength == (long)n * n ? wk : new double[(long)n * n];
        for (int a = 0; a < n; a++)
            for (int k = 0; k <= a; k++) z[(long)a * n + k] = y[(long)k * n + a];
        // A⁻¹[i, b] = Σ_k Z[i, k] Z[b, k] for i ≥ b; Z[i, k] = 0 for k < i, so panel K adds to rows b … k1−1 only.
        var inv = y;
        Array.Clear(inv);
        void Product(int g)
        {
            Span<double> coef = stackalloc double[4 * Panel];
            int b = 4 * g, w = Math.Min(4, n - b);
            for (int k0 = b - b % Panel; k0 < n; k0 += Panel)
            {
                int k1 = Math.Min(n, k0 + Panel), kb = Math.Max(k0, b);
                for (int k = kb; k < k1; k++)
                    for (int cc = 0; cc < 4; cc++) coef[(k - kb) * 4 + cc] = cc < w ? z[(long)k * n + b + cc] : 0;
                SimdKernels.MultiplyAdd(inv, (long)b * n, n, w, z, (long)kb * n, n, coef, k1 - kb, b, k1);
            }
        }
        int groups = (n + 3) / 4;
        if (parallel) Parallel.For(0, groups, Product);
        else for (int g = 0; g < groups; g++) Product(g);
        return inv;
    }

    /// <summary>
    /// Y = L⁻¹ (n × n, column-major, lower triangular; zeros above the diagonal; into <c>result</c> when it has n²
    /// entries) from L (lower triangle read), by blocked
    /// forward substitution: about n³/6 multiply–adds. Diagonal blocks of A⁻¹ are Grams of Y's columns:
    /// (A⁻¹)[a, b] = Σ_k Y[k, a]Y[k, b].
    /// </summary>
    public static double[] LowerInverse(double[] l, int n, bool parallel = true, double[]? result = null)
    {
        double[] y;
        if (result is { } r && r.LongLength >= (long)n * n)
        {
            y = r;
            Array.Clear(y, 0, n * n);
        }
        else y = new double[(long)n * n];
        int panels = (n + Panel - 1) / Panel;
        // The diagonal blocks' inverses L_JJ⁻¹, block J's rows at its own rows of an n × Panel strip (column k at k·n).
        var dinv = new double[(long)n * Panel];
        for (int j0 = 0; j0 < n; j0 += Panel)
        {
            int w = Math.Min(Panel, n - j0);
            for (int k = 0; k < w; k++)
            {
                long col = (long)k * n;
                dinv[col + j0 + k] = 1;
                for (int j = k; j < w; j++)
                {
                    double v = dinv[col + j0 + j] / l[(long)(j0 + j) * n + j0 + j];
                    dinv[col + j0 + j] = v;
                    if (v == 0) continue;
                    long lj = (long)(j0 + j) * n;
                    for (int i = j + 1; i < w; i++) dinv[col + j0 + i] -= l[lj + j0 + i] * v;
                }
            }
        }
        void Forward(int kp)
        {
            Span<double> coef = stackalloc double[4 * Panel];
            int k0 = kp * Panel, k1 = Math.Min(n, k0 + Panel);
            for (int c = k0; c < k1; c++) y[(long)c * n + c] = 1;
            for (int j0 = k0; j0 < n; j0 += Panel)
            {
                int j1 = Math.Min(n, j0 + Panel);
                for (int c = k0; c < k1; c += 4)
                {
                    int w = Math.Min(4, k1 - c);
                    // Diagonal block: Y[J, c] ← L_JJ⁻¹ Y[J, c].
                    for (int k = 0; k < j1 - j0; k++)
                        for (int cc = 0; cc < 4; cc++)
                        {
                            long at = (long)(c + cc) * n + j0 + k;
                            coef[k * 4 + cc] = cc < w ? y[at] : 0;
                            if (cc < w) y[at] = 0;
                        }
                    SimdKernels.MultiplyAdd(y, (long)c * n, n, w, dinv, 0, n, coef, j1 - j0, j0, j1);
                    if (j1 == n) continue;
                    // Rows below: Y[i, c] −= Σ_{k ∈ J} L[i, k] Y[k, c].
                    for (int k = 0; k < j1 - j0; k++)
                        for (int cc = 0; cc < 4; cc++) coef[k * 4 + cc] = cc < w ? -y[(long)(c + cc) * n + j0 + k] : 0;
                    SimdKernels.MultiplyAdd(y, (long)c * n, n, w, l, (long)j0 * n, n, coef, j1 - j0, j1, n);
                }
            }
        }
        if (parallel) Parallel.For(0, panels, Forward);
        else for (int kp = 0; kp < panels; kp++) Forward(kp);
        return y;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastGlmm.Linalg;

/// <summary>Small dense lower Cholesky factorizations and triangular solves, column-major, in place.</summary>
public static class DenseCholesky
{
    /// <summary>
    /// Overwrites the lower triangle of the n × n symmetric matrix A (column-major) with L, A = LL'.
    /// Returns false when A is not numerically positive definite (a pivot ≤ 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Factor(Span<double> a, int n)
    {
        for (int j = 0; j < n; j++)
        {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) d -= a[k * n + j] * a[k * n + j];
            if (!(d > 0)) return false;
            d = Math.Sqrt(d);
            a[j * n + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[j * n + i];
                for (int k = 0; k < j; k++) s -= a[k * n + i] * a[k * n + j];
                a[j * n + i] = s / d;
            }
        }
        return true;
    }

    /// <summary>
    /// The same factor as <see cref="Factor"/>, for a matrix whose leading <paramref name="lead"/> rows and
    /// columns are block diagonal with <paramref name="q"/> × <paramref name="q"/> blocks (the first
    /// random-effects term of a crossed block: each observation has one of its levels). The leading blocks
    /// are factored on their own, the coupling rows solved against them, and only the trailing Schur
    /// complement is factored densely: O(lead·q² + lead·r² + r³) work for r = n − lead, instead of O(n³).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool FactorWithBlockDiagonalLead(Span<double> a, int n, int lead, int q)
    {
        if (lead <= 0 || q <= 0 || lead % q != 0 || lead > n) return Factor(a, n);
        for (int o = 0; o < lead; o += q)
        {
            // Factor the q × q diagonal block at o.
            for (int j = o; j < o + q; j++)
            {
                double d = a[j * n + j];
                for (int k = o; k < j; k++) d -= a[k * n + j] * a[k * n + j];
                if (!(d > 0)) return false;
                d = Math.Sqrt(d);
                a[j * n + j] = d;
                for (int i = j + 1; i < o + q; i++)
                {
                    double s = a[j * n + i];
                    for (int k = o; k < j; k++) s -= a[k * n + i] * a[k * n + j];
                    a[j * n + i] = s / d;
                }
                // Coupling rows i ≥ lead of this column.
                for (int i = lead; i < n; i++)
                {
                    double s = a[j * n + i];
                    for (int k = o; k < j; k++) s -= a[k * n + i] * a[k * n + j];
                    a[j * n + i] = s / d;
                }
            }
        }
        // Trailing Schur complement: A22 − L21 L21'.
        for (int j = lead; j < n; j++)
            for (int i = j; i < n; i++)
            {
                double s = 0;
                for (int k = 0; k < lead; k++) s += a[k * n + i] * a[k * n + j];
                a[j * n + i] -= s;
            }
        for (int j = lead; j < n; j++)
        {
            double d = a[j * n + j];
            for (int k = lead; k < j; k++) d -= a[k * n + j] * a[k * n + j];
            if (!(d > 0)) return false;
            d = Math.Sqrt(d);
            a[j * n + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[j * n + i];
                for (int k = lead; k < j; k++) s -= a[k * n + i] * a[k * n + j];
                a[j * n + i] = s / d;
            }
        }
        return true;
    }

    /// <summary>Solves L x = b in place for the n × n lower factor L (column-major); b has n entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveLower(ReadOnlySpan<double> l, int n, Span<double> b)
    {
        for (int j = 0; j < n; j++)
        {
            b[j] /= l[j * n + j];
            double bj = b[j];
            if (bj == 0) continue; // the update would subtract zeros (sparse right-hand sides, the leading blocks' zeros)
            int i = j + 1;
            // b[i] −= L[i, j]·b_j four rows at a time: each entry gets the same operations as in the scalar loop.
            if (Vector256.IsHardwareAccelerated && n - i >= 8)
            {
                var col = l.Slice(j * n, n);
                var x = Vector256.Create(bj);
                for (; i + 4 <= n; i += 4)
                    (Vector256.Create(b.Slice(i, 4)) - Vector256.Create(col.Slice(i, 4)) * x).CopyTo(b.Slice(i, 4));
            }
            for (; i < n; i++) b[i] -= l[j * n + i] * bj;
        }
    }

    /// <summary>Solves L' x = b in place (back substitution with the transpose of L).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveUpperTransposed(ReadOnlySpan<double> l, int n, Span<double> b)
    {
        for (int j = n - 1; j >= 0; j--)
        {
            double s = b[j];
            for (int i = j + 1; i < n; i++) s -= l[j * n + i] * b[i];
            b[j] = s / l[j * n + j];
        }
    }

    /// <summary>2 Σ log L_jj = log det(A).</summary>
    public static double LogDeterminant(ReadOnlySpan<double> l, int n)
    {
        double s = 0;
        for (int j = 0; j < n; j++) s += Math.Log(l[j * n + j]);
        return 2 * s;
    }
}

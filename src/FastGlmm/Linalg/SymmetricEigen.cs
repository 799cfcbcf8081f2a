namespace FastGlmm.Linalg;

/// <summary>
/// The eigendecomposition A = V diag(λ) V' of a small symmetric matrix by cyclic Jacobi rotations: each sweep
/// annihilates every off-diagonal entry in turn with a plane rotation, until the off-diagonal mass is below 10⁻³⁰
/// of the total (quadratic convergence; a handful of sweeps for n ≤ 50). Accurate to rounding in every eigenvalue,
/// small ones included, which is what a pseudo-inverse needs.
/// </summary>
public static class SymmetricEigen
{
    /// <summary>
    /// Decomposes the symmetric n × n matrix <paramref name="a"/> (row-major; only read). Returns the eigenvalues in
    /// decreasing order and the matching unit eigenvectors as the columns of an n × n column-major matrix
    /// (column k at [k·n, (k+1)·n)).
    /// </summary>
    public static (double[] Values, double[] Vectors) Decompose(ReadOnlySpan<double> a, int n)
    {
        var m = a[..(n * n)].ToArray();
        var v = new double[n * n];
        for (int i = 0; i < n; i++) v[i * n + i] = 1;
        double total = 0;
        foreach (double x in m) total += x * x;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (i != j) off += m[i * n + j] * m[i * n + j];
            if (off <= 1e-30 * total || off == 0) break;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double apq = m[p * n + q];
                    if (apq == 0) continue;
                    // The rotation (c, s) with tan 2φ = 2a_pq/(a_qq − a_pp), taking the smaller angle.
                    double tau = (m[q * n + q] - m[p * n + p]) / (2 * apq);
                    double t = Math.Sign(tau == 0 ? 1 : tau) / (Math.Abs(tau) + Math.Sqrt(1 + tau * tau));
                    double c = 1 / Math.Sqrt(1 + t * t), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double mkp = m[k * n + p], mkq = m[k * n + q];
                        m[k * n + p] = c * mkp - s * mkq;
                        m[k * n + q] = s * mkp + c * mkq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double mpk = m[p * n + k], mqk = m[q * n + k];
                        m[p * n + k] = c * mpk - s * mqk;
                        m[q * n + k] = s * mpk + c * mqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        // V ← V·J: rows k of V, columns p and q (V row-major here; transposed on return).
                        double vkp = v[k * n + p], vkq = v[k * n + q];
                        v[k * n + p] = c * vkp - s * vkq;
                        v[k * n + q] = s * vkp + c * vkq;
                    }
                }
        }
        var order = Enumerable.Range(0, n).OrderByDescending(i => m[i * n + i]).ToArray();
        var values = order.Select(i => m[i * n + i]).ToArray();
        var vectors = new double[n * n];
        for (int k = 0; k < n; k++) for (int i = 0; i < n; i++) vectors[k * n + i] = v[i * n + order[k]];
        return (values, vectors);
    }
}

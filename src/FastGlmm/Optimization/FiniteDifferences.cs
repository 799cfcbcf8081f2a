using FastGlmm.Linalg;

namespace FastGlmm.Optimization;

/// <summary>Central-difference derivatives of an objective, as lme4's <c>deriv12</c> computes them.</summary>
public static class FiniteDifferences
{
    /// <summary>
    /// Gradient g_i = (f(x + δe_i) − f(x − δe_i))/(2δ) and, when <paramref name="withHessian"/>,
    /// H_ii = (f₊ − 2f + f₋)/δ² and H_ij = (f₊₊ − f₊₋ − f₋₊ + f₋₋)/(4δ²), with δ = 1e-4 (n × n row-major).
    /// Returns the number of evaluations used.
    /// </summary>
    public static (double[] Gradient, double[]? Hessian, int Evaluations) Derivatives(
        Func<double[], double> f, double[] x, double fx, bool withHessian, double delta = 1e-4)
    {
        int n = x.Length, evals = 0;
        double At(int i, double di, int j, double dj)
        {
            var w = (double[])x.Clone();
            w[i] += di;
            w[j] += dj;
            evals++;
            return f(w);
        }
        var g = new double[n];
        var h = withHessian ? new double[n * n] : null;
        for (int i = 0; i < n; i++)
        {
            double fp = At(i, delta, i, 0), fm = At(i, -delta, i, 0);
            g[i] = (fp - fm) / (2 * delta);
            if (h is not null) h[i * n + i] = (fp - 2 * fx + fm) / (delta * delta);
        }
        if (h is not null)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < i; j++)
                    h[j * n + i] = h[i * n + j] =
                        (At(i, delta, j, delta) - At(i, delta, j, -delta) - At(i, -delta, j, delta) + At(i, -delta, j, -delta)) / (4 * delta * delta);
        return (g, h, evals);
    }

    /// <summary>
    /// lme4's convergence statistic (checkConv): max_i min(|(R⁻¹g)_i|, |g_i|) with R'R = H (R = chol(H), upper), or max|g| when H is not
    /// positive definite or absent. Also says whether H is positive definite (null when absent).
    /// </summary>
    public static (double MaxGradient, bool? PositiveDefinite) ScaledGradient(double[] g, double[]? h)
    {
        double raw = g.Select(Math.Abs).DefaultIfEmpty(0).Max();
        if (h is null) return (raw, null);
        int n = g.Length;
        var l = (double[])h.Clone();
        if (!DenseCholesky.Factor(l, n)) return (raw, false);
        // R's solve(chol(H), g): chol gives the upper factor R = L' (R'R = H), so the scaled gradient is R⁻¹g.
        var s = (double[])g.Clone();
        DenseCholesky.SolveUpperTransposed(l, n, s);
        double m = 0;
        for (int i = 0; i < n; i++) m = Math.Max(m, Math.Min(Math.Abs(s[i]), Math.Abs(g[i])));
        return (m, true);
    }
}

using FastGlmm.Linalg;

namespace FastGlmm.Optimization;

/// <summary>The value, gradient and Hessian (d × d row-major) of a smooth function at a point.</summary>
/// <param name="Value">f(x); −∞ outside the domain.</param>
/// <param name="Gradient">∇f(x).</param>
/// <param name="Hessian">∇²f(x).</param>
public sealed record SecondOrderPoint(double Value, double[] Gradient, double[] Hessian);

/// <summary>The outcome of <see cref="NewtonTrustRegion.Maximize"/>.</summary>
/// <param name="X">The final point.</param>
/// <param name="Point">f, ∇f and ∇²f there.</param>
/// <param name="Iterations">Newton iterations.</param>
/// <param name="Evaluations">Evaluations of f (with derivatives).</param>
/// <param name="Converged">True when the Newton decrement fell below the tolerance with −∇²f positive definite.</param>
/// <param name="Message">Why it stopped.</param>
public sealed record NewtonResult(double[] X, SecondOrderPoint Point, int Iterations, int Evaluations, bool Converged, string Message);

/// <summary>
/// Maximizes a smooth function with exact gradient and Hessian by Newton steps in a Levenberg–Marquardt
/// trust region: the step s solves (B + λD)s = g with B = −∇²f and D = diag(B) (floored), λ ≥ 0 is raised
/// (×4) when the step fails (gain ratio ≤ 10⁻⁴, or f = −∞ outside the domain, or B + λD is not positive
/// definite) and lowered (÷4, to 0) after a very successful one. It converges when B is positive definite and
/// the Newton decrement g'B⁻¹g is below <c>tolerance</c>.
/// </summary>
public static class NewtonTrustRegion
{
    /// <summary>Maximizes <paramref name="f"/> from <paramref name="x0"/>.</summary>
    /// <param name="f">The function with its derivatives.</param>
    /// <param name="x0">Start (f(x0) must be finite).</param>
    /// <param name="tolerance">Newton-decrement tolerance (in units of f).</param>
    /// <param name="maxIterations">Iteration limit.</param>
    /// <param name="stop">Checked after each accepted step: a message to stop there (not converged), or null to go on.</param>
    public static NewtonResult Maximize(Func<double[], SecondOrderPoint> f, double[] x0, double tolerance = 1e-10, int maxIterations = 200,
        Func<double[], string?>? stop = null)
    {
        int d = x0.Length, evals = 1;
        var x = (double[])x0.Clone();
        var pt = f(x);
        if (!double.IsFinite(pt.Value)) throw new ArgumentException("the objective is not finite at the start");
        double lambda = 0;
        var a = new double[d * d];
        var s = new double[d];
        for (int it = 1; it <= maxIterations; it++)
        {
            var g = pt.Gradient;
            var h = pt.Hessian;
            double dmax = 0;
            for (int j = 0; j < d; j++) dmax = Math.Max(dmax, Math.Abs(h[j * d + j]));
            if (NewtonDecrement(h, g, d, a, s) is double dec && dec < tolerance)
                return new NewtonResult(x, pt, it - 1, evals, true, $"converged: Newton decrement {dec:G3} < {tolerance:G3}");
            bool stepped = false;
            for (int attempt = 0; attempt < 60 && !stepped; attempt++)
            {
                for (int r = 0; r < d; r++)
                    for (int c = 0; c < d; c++)
                        a[c * d + r] = -h[r * d + c] + (r == c ? lambda * Math.Max(Math.Abs(h[r * d + r]), 1e-10 * dmax + 1e-300) : 0);
                if (!DenseCholesky.Factor(a, d))
                {
                    lambda = Math.Max(1e-4, 4 * lambda);
                    continue;
                }
                Array.Copy(g, s, d);
                DenseCholesky.SolveLower(a, d, s);
                DenseCholesky.SolveUpperTransposed(a, d, s);
                // Predicted gain of the quadratic model: g's + ½ s'Hs.
                double pred = 0;
                for (int r = 0; r < d; r++)
                {
                    double hs = 0;
                    for (int c = 0; c < d; c++) hs += h[r * d + c] * s[c];
                    pred += g[r] * s[r] + 0.5 * s[r] * hs;
                }
                var xn = new double[d];
                for (int j = 0; j < d; j++) xn[j] = x[j] + s[j];
                var pn = f(xn);
                evals++;
                double gain = pn.Value - pt.Value;
                double ratio = pred > 0 ? gain / pred : gain > 0 ? 1 : -1;
                if (double.IsFinite(pn.Value) && ratio > 1e-4 && gain >= 0)
                {
                    x = xn;
                    pt = pn;
                    stepped = true;
                    if (stop?.Invoke(x) is { } why) return new NewtonResult(x, pt, it, evals, false, why);
                    if (ratio > 0.75) lambda = lambda < 1e-6 ? 0 : lambda / 4;
                    else if (ratio < 0.25) lambda = Math.Max(1e-4, 2 * lambda);
                }
                else
                {
                    if (pred < 1e-3 * tolerance && lambda > 0 && double.IsFinite(pn.Value) && Math.Abs(gain) < tolerance)
                        return new NewtonResult(x, pt, it, evals, false, $"stopped: no further progress possible (λ = {lambda:G3})");
                    lambda = Math.Max(1e-4, 4 * lambda);
                }
            }
            if (!stepped) return new NewtonResult(x, pt, it, evals, false, "stopped: no acceptable step found");
        }
        return new NewtonResult(x, pt, maxIterations, evals, false, $"stopped: reached the iteration limit ({maxIterations})");
    }

    /// <summary>g'B⁻¹g with B = −H, or null when B is not positive definite (uses a and s as workspace).</summary>
    private static double? NewtonDecrement(double[] h, double[] g, int d, double[] a, double[] s)
    {
        for (int j = 0; j < d * d; j++) a[j] = -h[j];
        if (!DenseCholesky.Factor(a, d)) return null;
        Array.Copy(g, s, d);
        DenseCholesky.SolveLower(a, d, s);
        double dec = 0;
        for (int j = 0; j < d; j++) dec += s[j] * s[j];
        return dec;
    }
}

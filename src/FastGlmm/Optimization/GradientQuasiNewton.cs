namespace FastGlmm.Optimization;

/// <summary>
/// Unconstrained minimization of a smooth f: ℝⁿ → ℝ with an analytic gradient by BFGS: the search direction
/// d = −Hg with H ≈ ∇²f⁻¹ (started at γI, γ = s'y/y'y after the first step), a backtracking line search to the Armijo
/// condition f(x + αd) ≤ f(x) + 10⁻⁴α g'd (α halved at least, by quadratic interpolation when that is smaller, never
/// below α/10), the first step capped at length <c>maxFirstStep</c>, and the update
/// H ← (I − ρsy')H(I − ρys') + ρss' (ρ = 1/s'y) only when s'y &gt; 0.
/// Stops when the predicted decrease ½ g'Hg is at most τ = max(<c>tolerance</c>, <c>relativeTolerance</c>·|f|)
/// (converged), when a line search cannot lower f (converged when ½g'Hg is at most 10⁴τ, where f's rounding rather
/// than the model decides, else not), or at the evaluation limit (not converged).
/// </summary>
public static class GradientQuasiNewton
{
    /// <summary>
    /// Minimizes f from x0. <paramref name="fg"/> returns f(x) and ∇f(x), or a null gradient where it has none
    /// (the method then stops, not converged, at its best point); a non-finite f or an exception of type
    /// <typeparamref name="TFailure"/> counts as a failed trial step.
    /// </summary>
    public static OptimizerResult Minimize<TFailure>(Func<double[], (double F, double[]? G)> fg, double[] x0, double tolerance,
        int maxEvaluations, double maxFirstStep = 0.5, double relativeTolerance = 1e-13) where TFailure : Exception =>
        MinimizeDeferred<TFailure>(x =>
        {
            var (f, g) = fg(x);
            return (f, new ImmediateGradient(g));
        }, x0, tolerance, maxEvaluations, maxFirstStep, relativeTolerance);

    /// <summary>
    /// As <see cref="Minimize{TFailure}(Func{double[], ValueTuple{double, double[]}}, double[], double, int, double, double)"/>
    /// with the gradient deferred: <paramref name="fg"/> returns f(x) and a handle whose gradient is asked for only at
    /// the start and at the points that pass the line search's decrease test (a rejected trial costs f alone); each
    /// handle is disposed once the method is done with it. A null gradient at an otherwise acceptable trial counts as a
    /// failed trial.
    /// </summary>
    public static OptimizerResult MinimizeDeferred<TFailure>(Func<double[], (double F, IDeferredGradient G)> fg, double[] x0, double tolerance,
        int maxEvaluations, double maxFirstStep = 0.5, double relativeTolerance = 1e-13) where TFailure : Exception
    {
        int n = x0.Length, evals = 0;
        // f at x, and ∇f when f passes the test (null for a failed evaluation or gradient, or when not wanted).
        (double F, double[]? G) Eval(double[] x, Func<double, bool> wantGradient)
        {
            evals++;
            IDeferredGradient? h = null;
            try
            {
                (double f, h) = fg(x);
                if (!double.IsFinite(f)) return (double.PositiveInfinity, null);
                if (!wantGradient(f)) return (f, null);
                var g = h.Gradient();
                return g is not null && g.All(double.IsFinite) ? (f, g) : (f, null);
            }
            catch (TFailure)
            {
                return (double.PositiveInfinity, null);
            }
            finally
            {
                h?.Dispose();
            }
        }
        var x = (double[])x0.Clone();
        var (f, g) = Eval(x, _ => true);
        if (g is null) return new OptimizerResult(x, f, evals, false, "quasi-Newton: no gradient at the start");
        var h = new double[n * n];
        bool scaled = false;
        for (int i = 0; i < n; i++) h[i * n + i] = 1;
        var d = new double[n];
        while (evals < maxEvaluations)
        {
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j < n; j++) s -= h[i * n + j] * g[j];
                d[i] = s;
            }
            double slope = Dot(g, d);
            if (!(slope < 0))
            {
                // Not a descent direction (H lost positive definiteness to rounding): restart from the gradient.
                Array.Clear(h);
                for (int i = 0; i < n; i++) { h[i * n + i] = 1; d[i] = -g[i]; }
                slope = -Dot(g, g);
                scaled = false;
            }
            double predicted = -slope / 2, tol = Math.Max(tolerance, relativeTolerance * Math.Abs(f));
            if (predicted <= tol) return new OptimizerResult(x, f, evals, true, $"converged: predicted decrease ½g'H g = {predicted:G2} ≤ {tol:G2}");
            double alpha = 1;
            if (!scaled)
            {
                double len = Math.Sqrt(Dot(d, d));
                if (len > maxFirstStep) alpha = maxFirstStep / len;
            }
            double[]? xt = null, gt = null;
            double ft = double.NaN;
            bool accepted = false;
            for (int trial = 0; evals < maxEvaluations && trial < 30; trial++)
            {
                // Near the optimum, f's rounding rather than the model stops the search: do not chase it.
                if (trial >= 3 && predicted <= 1e4 * tol) break;
                xt = new double[n];
                for (int i = 0; i < n; i++) xt[i] = x[i] + alpha * d[i];
                double fRef = f, armijo = 1e-4 * alpha * slope;
                (ft, gt) = Eval(xt, v => v <= fRef + armijo);
                if (ft <= f + armijo && gt is not null) { accepted = true; break; }
                // f no longer tells points apart: the step is below f's rounding.
                if (alpha * Math.Sqrt(Dot(d, d)) < 1e-14 * (1 + Math.Sqrt(Dot(x, x)))) break;
                double next = double.IsFinite(ft) ? -slope * alpha * alpha / (2 * (ft - f - alpha * slope)) : 0;
                alpha = Math.Max(0.1 * alpha, Math.Min(0.5 * alpha, double.IsFinite(next) ? next : 0));
            }
            if (!accepted)
            {
                bool near = predicted <= 1e4 * tol;
                return new OptimizerResult(x, f, evals, near, near
                    ? $"converged: no further decrease along the quasi-Newton direction (predicted {predicted:G2})"
                    : evals >= maxEvaluations ? "quasi-Newton: evaluation limit reached" : $"quasi-Newton: line search failed (predicted decrease {predicted:G2})");
            }
            var sv = new double[n];
            var yv = new double[n];
            for (int i = 0; i < n; i++) { sv[i] = xt![i] - x[i]; yv[i] = gt![i] - g[i]; }
            double sy = Dot(sv, yv);
            (x, f, g) = (xt!, ft, gt!);
            if (!(sy > 0)) continue;
            if (!scaled)
            {
                double gamma = sy / Dot(yv, yv);
                for (int i = 0; i < n * n; i++) h[i] *= gamma;
                scaled = true;
            }
            double rho = 1 / sy;
            var hy = new double[n];
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j < n; j++) s += h[i * n + j] * yv[j];
                hy[i] = s;
            }
            double yhy = Dot(yv, hy);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    h[i * n + j] += -rho * (sv[i] * hy[j] + hy[i] * sv[j]) + (rho * rho * yhy + rho) * sv[i] * sv[j];
        }
        return new OptimizerResult(x, f, evals, false, "quasi-Newton: evaluation limit reached");
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}

/// <summary>A gradient computed on request, from state an evaluation keeps until it is disposed.</summary>
public interface IDeferredGradient : IDisposable
{
    /// <summary>∇f at the evaluated point, or null where it does not exist.</summary>
    double[]? Gradient();
}

/// <summary>A gradient that was computed with its value.</summary>
internal sealed class ImmediateGradient(double[]? gradient) : IDeferredGradient
{
    public double[]? Gradient() => gradient;

    public void Dispose() { }
}

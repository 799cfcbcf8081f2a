namespace FastGlmm.Optimization;

/// <summary>
/// Nelder–Mead simplex minimization in a box lower ≤ x ≤ upper (bounds may be ±∞): every trial point
/// is projected onto the box. Reflection 1, expansion 2, contraction ½, shrink ½. After the first
/// convergence the simplex is rebuilt around the best point once, and the search continues if that
/// finds a lower value, which guards against a collapsed simplex stopping early.
/// </summary>
public static class BoundedNelderMead
{
    /// <summary>
    /// Minimizes f from <paramref name="x0"/> (n) with initial steps <paramref name="step"/> (n, nonzero):
    /// the initial simplex is x0 and x0 ± step_i e_i (the sign chosen to stay in the box).
    /// </summary>
    public static OptimizerResult Minimize(Func<double[], double> f, double[] x0, double[] step,
        double[] lower, double[] upper, OptimizerSettings? settings = null)
    {
        settings ??= new OptimizerSettings();
        int n = x0.Length;
        if (step.Length != n || lower.Length != n || upper.Length != n)
            throw new ArgumentException("x0, step, lower and upper must have the same length");
        int evals = 0;
        double Eval(double[] x)
        {
            evals++;
            double v = f(x);
            return double.IsNaN(v) ? double.PositiveInfinity : v;
        }
        var start = Project(x0, lower, upper);
        OptimizerResult? result = null;
        for (int round = 0; round < 2; round++)
        {
            var r = Run(Eval, start, step, lower, upper, settings, () => evals);
            bool improved = result is null || r.F < result.F - settings.FTolAbs;
            if (result is null || r.F < result.F) result = r;
            if (!r.Converged || !improved) break;
            start = r.X;
        }
        return result! with { Evaluations = evals };
    }

    private static OptimizerResult Run(Func<double[], double> eval, double[] x0, double[] step,
        double[] lower, double[] upper, OptimizerSettings s, Func<int> evals)
    {
        int n = x0.Length;
        var pts = new double[n + 1][];
        var fv = new double[n + 1];
        pts[0] = (double[])x0.Clone();
        fv[0] = eval(pts[0]);
        for (int i = 0; i < n; i++)
        {
            var p = (double[])x0.Clone();
            double h = step[i];
            if (p[i] + h > upper[i]) h = -h;
            if (p[i] + h < lower[i]) h = (upper[i] - lower[i]) / 2 * Math.Sign(step[i]);
            p[i] = Math.Clamp(p[i] + h, lower[i], upper[i]);
            pts[i + 1] = p;
            fv[i + 1] = eval(p);
        }
        var centroid = new double[n];
        while (true)
        {
            var order = Enumerable.Range(0, n + 1).OrderBy(i => fv[i]).ToArray();
            pts = order.Select(i => pts[i]).ToArray();
            fv = order.Select(i => fv[i]).ToArray();
            double spread = fv[n] - fv[0];
            if (spread <= s.FTolAbs || spread <= s.FTolRel * Math.Abs(fv[0]))
                return new OptimizerResult(pts[0], fv[0], evals(), true, "converged: function values agree within tolerance");
            if (MaxRelativeDistance(pts) <= s.XTolRel)
                return new OptimizerResult(pts[0], fv[0], evals(), true, "converged: simplex is smaller than the x tolerance");
            if (evals() >= s.MaxEvaluations)
                return new OptimizerResult(pts[0], fv[0], evals(), false, $"stopped: reached the limit of {s.MaxEvaluations} evaluations");

            Array.Clear(centroid);
            for (int k = 0; k < n; k++) for (int j = 0; j < n; j++) centroid[j] += pts[k][j] / n;
            var xr = Along(centroid, pts[n], -1, lower, upper);
            double fr = eval(xr);
            if (fr < fv[0])
            {
                var xe = Along(centroid, pts[n], -2, lower, upper);
                double fe = eval(xe);
                (pts[n], fv[n]) = fe < fr ? (xe, fe) : (xr, fr);
                continue;
            }
            if (fr < fv[n - 1]) { pts[n] = xr; fv[n] = fr; continue; }
            bool outside = fr < fv[n];
            var xc = Along(centroid, outside ? xr : pts[n], 0.5, lower, upper);
            double fc = eval(xc);
            if (fc < (outside ? fr : fv[n])) { pts[n] = xc; fv[n] = fc; continue; }
            for (int k = 1; k <= n; k++)
            {
                pts[k] = Along(pts[0], pts[k], 0.5, lower, upper);
                fv[k] = eval(pts[k]);
            }
        }
    }

    /// <summary>c + t·(x − c), projected onto the box.</summary>
    private static double[] Along(double[] c, double[] x, double t, double[] lower, double[] upper)
    {
        var r = new double[c.Length];
        for (int j = 0; j < r.Length; j++) r[j] = Math.Clamp(c[j] + t * (x[j] - c[j]), lower[j], upper[j]);
        return r;
    }

    private static double[] Project(double[] x, double[] lower, double[] upper) =>
        x.Select((v, j) => Math.Clamp(v, lower[j], upper[j])).ToArray();

    private static double MaxRelativeDistance(double[][] pts)
    {
        double m = 0;
        for (int k = 1; k < pts.Length; k++)
            for (int j = 0; j < pts[0].Length; j++)
                m = Math.Max(m, Math.Abs(pts[k][j] - pts[0][j]) / Math.Max(1, Math.Abs(pts[0][j])));
        return m;
    }
}

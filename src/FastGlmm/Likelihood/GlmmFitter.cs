using FastGlmm.Data.Frame;
using FastGlmm.Linalg;
using FastGlmm.Optimization;

namespace FastGlmm.Likelihood;

/// <summary>
/// A fitted GLMM (Laplace): θ̂, β̂, standard errors of β from the finite-difference Hessian H of the
/// deviance (lme4's default: Var(β̂) = 2[H⁻¹]_ββ, central differences with δ = 1e-4), the deviance
/// D = −2 logLik, df = p + #θ, AIC = D + 2df, BIC = D + df·log n, and the optimizer's record.
/// </summary>
public sealed record GlmmFit(double[] Theta, double[] Beta, double[] BetaSe, double Deviance, double LogLik,
    int Df, double Aic, double Bic, bool Singular, OptimizerResult Optimizer);

/// <summary>
/// Fits a GLMM by minimizing the Laplace deviance over [θ, β] jointly with the bounded Nelder–Mead
/// optimizer, from θ = lme4's start and β from a GLM fit.
/// </summary>
public static class GlmmFitter
{
    /// <summary>Fits the frame's model by Laplace.</summary>
    public static GlmmFit Fit(ModelFrame frame, OptimizerSettings? settings = null)
    {
        var lap = new LaplaceDeviance(frame);
        var layout = lap.Layout;
        int nt = layout.Count, p = frame.X.Columns;
        var beta0 = GlmIrls.Fit(frame);
        double F(double[] v) => lap.Evaluate(v.AsSpan(0, nt), v.AsSpan(nt));
        var x0 = layout.Initial.Concat(beta0).ToArray();
        var lower = layout.Lower.Concat(Enumerable.Repeat(double.NegativeInfinity, p)).ToArray();
        var upper = Enumerable.Repeat(double.PositiveInfinity, nt + p).ToArray();
        var step = layout.Initial.Select(v => v == 0 ? 0.1 : 0.2).Concat(beta0.Select(b => 0.2 * Math.Max(0.1, Math.Abs(b)))).ToArray();
        settings ??= new OptimizerSettings { FTolAbs = 1e-9, XTolRel = 1e-9, MaxEvaluations = 20_000 };
        var opt = BoundedNelderMead.Minimize(F, x0, step, lower, upper, settings);
        var v = opt.X;
        double dev = opt.F;
        int n = frame.RowCount, df = p + nt;
        bool singular = Enumerable.Range(0, nt).Any(i => layout.IsDiagonal(i) && v[i] < 1e-4);
        var se = singular ? Enumerable.Repeat(double.NaN, p).ToArray() : HessianSe(F, v, nt, p, dev);
        return new GlmmFit(v[..nt], v[nt..], se, dev, -dev / 2, df, dev + 2 * df, dev + df * Math.Log(n), singular, opt);
    }

    /// <summary>√diag(2[H⁻¹]_ββ) with H the central-difference Hessian of F at v (step 1e-4).</summary>
    private static double[] HessianSe(Func<double[], double> f, double[] v, int nt, int p, double f0)
    {
        int k = v.Length;
        const double d = 1e-4;
        var h = new double[k * k];
        double At(int i, double di, int j, double dj)
        {
            var w = (double[])v.Clone();
            w[i] += di;
            w[j] += dj;
            return f(w);
        }
        for (int i = 0; i < k; i++)
        {
            h[i * k + i] = (At(i, d, i, 0) - 2 * f0 + At(i, -d, i, 0)) / (d * d);
            for (int j = 0; j < i; j++)
                h[j * k + i] = h[i * k + j] = (At(i, d, j, d) - At(i, d, j, -d) - At(i, -d, j, d) + At(i, -d, j, -d)) / (4 * d * d);
        }
        if (!DenseCholesky.Factor(h, k)) return Enumerable.Repeat(double.NaN, p).ToArray();
        var se = new double[p];
        for (int j = 0; j < p; j++)
        {
            var e = new double[k];
            e[nt + j] = 1;
            DenseCholesky.SolveLower(h, k, e);
            se[j] = Math.Sqrt(2 * e.Sum(x => x * x));
        }
        return se;
    }
}

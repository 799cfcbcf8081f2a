using FastGlmm.Data.Frame;
using FastGlmm.Linalg;
using FastGlmm.Model;
using FastGlmm.Optimization;

namespace FastGlmm.Likelihood;

/// <summary>
/// A fitted linear mixed model: θ̂, β̂ with standard errors from σ̂²(R_X R_X')⁻¹ (lme4's vcov for LMMs),
/// σ̂ (√(r²/n) for ML, √(r²/(n−p)) for REML), the deviance or REML criterion, logLik = −deviance/2,
/// df = p + #θ + 1, AIC = deviance + 2df, BIC = deviance + df·log n, the optimizer's record and its name in words
/// (<c>Method</c>).
/// </summary>
/// <c>Psi</c> is ψ̂ (= θ̂ unless a term has a structured covariance; see <see cref="CovarianceParameters"/>), and the df counts ψ.
public sealed record LmmFit(bool Reml, double[] Theta, double[] Beta, double[] BetaSe, double Sigma,
    double Deviance, double LogLik, int Df, double Aic, double Bic, bool Singular, OptimizerResult Optimizer, string Method)
{
    /// <summary>ψ̂, the covariance parameters the optimizer moved (θ̂ itself when every term is unstructured).</summary>
    public double[] Psi { get; init; } = Theta;
}

/// <summary>
/// Fits an LMM by minimizing the profiled deviance over θ: BFGS on the analytic gradient
/// (<see cref="LmmDeviance.EvaluateWithGradient"/>), over all of ℝ^#θ since the deviance depends on Λ only through
/// ΛΛ' (a column of T_t and its negative give the same fit; the result is made canonical by <see cref="ThetaLayout.Canonicalize"/>), and the
/// bounded trust-region method (BOBYQA-class, lme4's) from its best point when BFGS does not converge.
/// </summary>
public static class LmmFitter
{
    /// <summary>
    /// Fits by REML (default, as lmer) or ML; <paramref name="deviance"/>, when given, is the frame's deviance function
    /// (so a caller that needs it afterwards builds the cross products once).
    /// </summary>
    public static LmmFit Fit(ModelFrame frame, bool reml = true, OptimizerSettings? settings = null, double[]? thetaStart = null,
        LmmDeviance? deviance = null)
    {
        var layout = new ThetaLayout(frame.RandomTerms);
        var dev = deviance ?? new LmmDeviance(new LmmCrossProducts(frame), layout);
        settings ??= new OptimizerSettings();
        var cov = new CovarianceParameters(frame.RandomTerms);
        if (!cov.IsIdentity) return FitStructured(frame, cov, dev, reml, settings, thetaStart);
        var lower = layout.Lower.ToArray();
        var upper = Enumerable.Repeat(double.PositiveInfinity, layout.Count).ToArray();
        var x0 = (double[])(thetaStart ?? layout.Initial.ToArray()).Clone();
        // The gradient needs every T_t invertible: a start on the boundary (a refit from a singular fit) moves off it.
        for (int i = 0; i < x0.Length; i++) if (layout.IsDiagonal(i) && x0[i] == 0) x0[i] = 0.1;
        var qn = GradientQuasiNewton.MinimizeDeferred<NumericalFailureException>(t =>
        {
            var pending = dev.EvaluateDeferred(t, reml);
            return (pending.Evaluation.Deviance, (IDeferredGradient)pending);
        }, x0, 1e-10, settings.MaxEvaluations);
        var canonical = (double[])qn.X.Clone();
        layout.Canonicalize(canonical);
        var opt = qn with { X = canonical };
        string method = "quasi-Newton (BFGS) on the analytic gradient";
        if (!qn.Converged)
        {
            // lme4's lmer: bobyqa with rhobeg = min(0.95, 0.2·max|θ₀|); a tighter end than lme4's.
            var from = opt.X;
            double rho = Math.Min(0.95, 0.2 * Math.Max(1e-3, from.Max(Math.Abs)));
            var tr = BoundedTrustRegion.Minimize(t => dev.Evaluate(t, reml).Deviance, from, rho, 1e-9, lower, upper,
                settings with { MaxEvaluations = Math.Max(1, settings.MaxEvaluations - qn.Evaluations) });
            opt = tr with { Evaluations = tr.Evaluations + qn.Evaluations };
            method = "quasi-Newton (BFGS), then bounded trust region (BOBYQA-class)";
        }
        var theta = cov.ZeroSmallVariances(opt.X, t => dev.Evaluate(t, reml).Deviance);
        var e = dev.Evaluate(theta, reml);
        return Finish(frame, reml, theta, theta, layout.Count, e, cov.IsBoundary(theta), opt, method);
    }

    private static LmmFit Finish(ModelFrame frame, bool reml, double[] theta, double[] psi, int parameters, LmmEvaluation e,
        bool singular, OptimizerResult opt, string method)
    {
        int n = frame.RowCount, p = frame.X.Columns;
        double sigma2 = e.PenalizedRss / (reml ? n - p : n);
        var se = new double[p];
        for (int j = 0; j < p; j++)
        {
            // [(R_X R_X')⁻¹]_jj = ‖R_X⁻¹ e_j‖² with R_X lower.
            var v = new double[p];
            v[j] = 1;
            DenseCholesky.SolveLower(e.RX, p, v);
            se[j] = Math.Sqrt(sigma2 * v.Sum(x => x * x));
        }
        int df = p + parameters + 1;
        return new LmmFit(reml, theta, e.Beta, se, Math.Sqrt(sigma2), e.Deviance, -e.Deviance / 2, df,
            e.Deviance + 2 * df, e.Deviance + df * Math.Log(n), singular, opt, method) { Psi = psi };
    }

    /// <summary>
    /// A model with a structured covariance: the bounded trust-region method over ψ (SDs ≥ 0, correlation parameters free)
    /// on the profiled deviance at θ(ψ), from ψ's start or from <paramref name="thetaStart"/> mapped to ψ, to radius 1e-9;
    /// then lme4's boundary check on the SDs (<see cref="CovarianceParameters.ZeroSmallVariances"/>).
    /// </summary>
    private static LmmFit FitStructured(ModelFrame frame, CovarianceParameters cov, LmmDeviance dev, bool reml,
        OptimizerSettings settings, double[]? thetaStart)
    {
        var x0 = thetaStart is null ? cov.Initial : cov.FromTheta(thetaStart);
        for (int i = 0; i < x0.Length; i++) if (cov.IsVariance(i) && x0[i] == 0) x0[i] = 0.1;
        double F(double[] psi) => dev.Evaluate(cov.ToTheta(psi), reml).Deviance;
        var upper = Enumerable.Repeat(double.PositiveInfinity, cov.Count).ToArray();
        double rho = Math.Min(0.95, 0.2 * Math.Max(1e-3, x0.Max(Math.Abs)));
        var opt = BoundedTrustRegion.Minimize(F, x0, rho, 1e-9, cov.Lower, upper, settings);
        var psi = cov.ZeroSmallVariances(opt.X, F);
        var theta = cov.ToTheta(psi);
        return Finish(frame, reml, theta, psi, cov.Count, dev.Evaluate(theta, reml), cov.IsBoundary(psi), opt with { X = psi },
            "bounded trust region (BOBYQA-class) over the structured covariance parameters");
    }
}

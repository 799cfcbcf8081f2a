using System.Diagnostics;
using FastGlmm.Backends;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Fitting;

public static partial class MixedModel
{
    /// <summary>
    /// A model without random effects: R's <c>lm</c> (gaussian identity) or <c>glm</c>, on the same scale as the mixed
    /// models so that <c>compare</c> can test a GLMM against its GLM (lme4's <c>anova(glmer, glm)</c>).
    /// <list type="bullet">
    /// <item>Linear: β̂ = (X'WX)⁻¹X'Wy; σ̂² = RSS/(n − p) (REML, lm's σ̂) or RSS/n (ML); the REML criterion
    /// log det(X'WX) − Σ log w + (n − p)(1 + log(2π RSS/(n − p))) or the ML deviance −Σ log w + n(1 + log(2π RSS/n))
    /// (R's logLik(lm, REML = TRUE) and logLik(lm)); Var(β̂) = σ̂²(X'WX)⁻¹; df = p + 1.</item>
    /// <item>Generalized: β̂ by IRLS; −2 logLik = Σ d_i + the family's saturated constants (R's logLik(glm)); Var(β̂) =
    /// φ̂(X'WX)⁻¹ at μ̂ with φ̂ = 1 for binomial and Poisson and Pearson's Σ w(y − μ̂)²/V(μ̂)/(n − p) for Gamma (R's
    /// summary.glm), whose log-likelihood uses R's φ = Σ d_i/Σ w and has df = p + 1.</item>
    /// </list>
    /// </summary>
    private static FitResult FitFixedOnly(ModelFrame frame, FitOptions o, Stopwatch sw)
    {
        if (o.Mcml is not null) throw new UserInputException("Monte Carlo likelihood needs random effects; a model without them has an exact likelihood");
        if (o.Nagq != 1 && !frame.Family.IsLinearMixedModel) throw new UserInputException($"nAGQ = {o.Nagq} needs random effects to integrate over; leave nAGQ at 1 for a model without them");
        var prob = new GlmmProblem(frame);
        int n = frame.RowCount, p = frame.X.Columns;
        if (n <= p) throw new UserInputException($"{n} observations for {p} fixed effects: a model without random effects needs more observations than coefficients");
        if (frame.Family.IsLinearMixedModel)
        {
            var (betaL, rss, deviance) = LeastSquares(new LmmCrossProducts(frame, problem: prob), o.Reml);
            double sigma = Math.Sqrt(rss / (o.Reml ? n - p : n));
            var fsL = FinalState.Compute(prob, [], betaL, [], sigma * sigma);
            return Assemble(frame, prob, fsL, [], o.Reml ? "REML" : "ML", 0, [], betaL, sigma, StandardErrors(fsL.VcovRX, p), "rx",
                null, -deviance / 2, p + 1, Report("least squares (closed form)", 1, sw, true, []));
        }
        var (beta, iterations, converged) = GlmIrls.FitWithReport(frame);
        double d;
        using (var backend = GlmmBackends.Cpu(prob)) d = new LaplaceDeviance(backend).Evaluate([], beta);
        bool scaled = frame.Family.UsesLme4Scale;
        // LaplaceDeviance adds lme4's +2 of R's Gamma()$aic and gaussian()$aic, which logLik(glm) takes off again.
        if (scaled) d -= 2;
        double phi = scaled ? PearsonDispersion(prob, beta) : 1;
        var fs = FinalState.Compute(prob, [], beta, [], phi);
        var messages = converged ? new List<string>()
            : [$"IRLS did not converge in {GlmIrls.MaxIterations} iterations; estimates may be unreliable (separation, or a mean at the boundary?)"];
        var fit = Assemble(frame, prob, fs, [], "ML", 1, [], beta, null, StandardErrors(fs.VcovRX, p), "rx", null, -d / 2,
            p + (scaled ? 1 : 0), Report("IRLS", iterations, sw, converged, messages));
        return scaled ? fit with { Dispersion = phi, DispersionKind = $"{FamilySpec.Name(frame.Family.Family)} φ, Pearson's Σw(y − μ̂)²/V(μ̂)/(n − p) (R's summary.glm)" } : fit;
    }

    /// <summary>
    /// Weighted least squares from the cross products: R'R = X'WX, β̂ = (X'WX)⁻¹X'Wy, RSS = y'Wy − ‖R⁻ᵀX'Wy‖², and the
    /// REML criterion or ML deviance (the LMM's with no random effects).
    /// </summary>
    private static (double[] Beta, double Rss, double Deviance) LeastSquares(LmmCrossProducts cp, bool reml)
    {
        int n = cp.N, p = cp.P;
        var r = (double[])cp.XtX.Clone();
        if (!Linalg.DenseCholesky.Factor(r, p)) throw new NumericalFailureException("X'WX is not positive definite");
        var z = (double[])cp.Xty.Clone();
        Linalg.DenseCholesky.SolveLower(r, p, z);
        double rss = cp.Yty;
        for (int j = 0; j < p; j++) rss -= z[j] * z[j];
        Linalg.DenseCholesky.SolveUpperTransposed(r, p, z);
        double dev = reml
            ? Linalg.DenseCholesky.LogDeterminant(r, p) - cp.LogWeightSum + (n - p) * (1 + Math.Log(2 * Math.PI * rss / (n - p)))
            : -cp.LogWeightSum + n * (1 + Math.Log(2 * Math.PI * rss / n));
        return (z, rss, dev);
    }

    private static double[] StandardErrors(double[] vcov, int p) => Enumerable.Range(0, p).Select(j => Math.Sqrt(vcov[j * p + j])).ToArray();

    private static ConvergenceReport Report(string method, int iterations, Stopwatch sw, bool converged, List<string> messages) =>
        new(converged, method, iterations, sw.Elapsed.TotalSeconds, 0, null, false, messages, [], []);

    /// <summary>Pearson's dispersion Σ w_i (y_i − μ̂_i)²/V(μ̂_i) / (n − p) at μ̂ = g⁻¹(Xβ̂ + offset).</summary>
    private static double PearsonDispersion(GlmmProblem prob, double[] beta)
    {
        var fam = Family.For(prob.Family);
        double s = 0;
        for (int i = 0; i < prob.N; i++)
        {
            double eta = prob.Offset[i];
            for (int j = 0; j < prob.P; j++) eta += prob.X[(long)j * prob.N + i] * beta[j];
            double mu = fam.LinkInverse(eta), r = prob.Y[i] - mu;
            s += prob.Weights[i] * r * r / fam.Variance(mu);
        }
        return s / (prob.N - prob.P);
    }
}

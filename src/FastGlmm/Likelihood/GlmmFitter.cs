using FastGlmm.Data.Frame;
using FastGlmm.Model;
using FastGlmm.Optimization;

namespace FastGlmm.Likelihood;

/// <summary>
/// A refit's start: θ, β and the scale (standard errors) of each β; <paramref name="Tolerance"/> is the final
/// trust-region radius in standard-error units (1e-3 by default; a bootstrap can afford 1e-2).
/// <paramref name="Hessian"/>, when given, is ∂²D/∂v² of the original fit at v = [θ, β] ((nt + p)², row-major,
/// e.g. <see cref="Model.FitResult.DevianceHessian"/>): it sets each θ's scale from its diagonal (saving the
/// curvature evaluations) and starts the optimizer's quadratic model with that curvature.
/// </summary>
public sealed record WarmStart(double[] Theta, double[] Beta, double[] BetaScale, double Tolerance = 1e-3, double[]? Hessian = null)
{
    /// <summary>PIRLS's decrease tolerance in the refit's Laplace objective (see <see cref="Pirls.CoarseDecreaseTolerance"/>).</summary>
    public double PirlsTolerance { get; init; } = Pirls.DecreaseTolerance;

    /// <summary>
    /// The warm start of refits of <paramref name="fit"/>'s model (lme4's <c>refit</c>): its θ̂ and β̂, β in units of
    /// its R_X standard errors (1 where a standard error is not positive and finite), and its deviance Hessian.
    /// </summary>
    public static WarmStart From(Model.FitResult fit, double tolerance = 1e-3) =>
        new(fit.Theta, fit.Beta, fit.BetaSeRX.Select(s => double.IsFinite(s) && s > 0 ? s : 1.0).ToArray(), tolerance,
            fit.DevianceHessian);
}

/// <summary>The optimum of a GLMM fit and the objective it minimized.</summary>
/// <param name="Theta">θ̂.</param>
/// <param name="Beta">β̂.</param>
/// <param name="Deviance">The minimized −2 log L.</param>
/// <param name="Optimizer">The record of the last stage, with evaluations counted over both stages.</param>
/// <param name="Objective">D as a function of [θ, β].</param>
/// <param name="Start">The starting [θ, β] (lme4's θ start and the GLM β).</param>
/// <param name="StageOneEvaluations">Evaluations of the first stage.</param>
/// <param name="Backend">The backend <paramref name="Objective"/> runs on; after a call it holds û at that point.</param>
public sealed record GlmmOptimum(double[] Theta, double[] Beta, double Deviance, OptimizerResult Optimizer,
    Func<double[], double> Objective, double[] Start, int StageOneEvaluations, Backends.IGlmmBackend Backend);

/// <summary>
/// Fits a GLMM in lme4's two stages, each with the bounded trust-region optimizer:
/// (1) minimize the nAGQ = 0 objective over θ, with β from joint (u, β) PIRLS
/// (<see cref="ProfiledLaplaceDeviance"/>), from θ = lme4's start and β from a GLM fit;
/// (2) unless nAGQ = 0, minimize the Laplace −2 log L over [θ, β] from the first stage's estimates, in
/// standardized units (β_j in R_X standard errors, θ_i by the curvature of D along it), and for nAGQ &gt; 1
/// continue on the adaptive Gauss–Hermite objective from the Laplace optimum.
/// </summary>
public static class GlmmFitter
{
    /// <summary>
    /// Minimizes −2 log L with <paramref name="nagq"/> nodes per dimension (0 = first stage only). With a
    /// <paramref name="warmStart"/> (a refit, as lme4's <c>refit()</c> and <c>bootMer</c> do) the first stage is
    /// skipped and the second starts from the given θ and β, with β in units of the given standard errors.
    /// The objectives run on the backend <paramref name="backend"/> makes (the CPU by default).
    /// </summary>
    public static GlmmOptimum Fit(ModelFrame frame, OptimizerSettings? settings = null, int nagq = 1, WarmStart? warmStart = null,
        Backends.GlmmBackendFactory? backend = null)
    {
        settings ??= new OptimizerSettings { MaxEvaluations = 20_000 };
        var layout = new ThetaLayout(frame.RandomTerms);
        int nt = layout.Count, p = frame.X.Columns;
        var lowerT = layout.Lower.ToArray();
        var upperT = Enumerable.Repeat(double.PositiveInfinity, nt).ToArray();

        double[] theta1, beta1, betaSe, start;
        OptimizerResult o1;
        ProfiledLaplaceDeviance? stage1 = null;
        double d1 = double.NaN;
        if (warmStart is null)
        {
            var beta0 = GlmIrls.Fit(frame);
            var theta0 = layout.Initial.ToArray();
            stage1 = new ProfiledLaplaceDeviance(frame, beta0, backend);
            double rho1 = Math.Min(0.95, 0.2 * theta0.Max(Math.Abs));
            o1 = BoundedTrustRegion.Minimize(t => stage1.Evaluate(t), theta0, rho1, nagq == 0 ? 1e-8 : 5e-2, lowerT, upperT, settings);
            d1 = stage1.Evaluate(o1.X);
            o1 = o1 with { Evaluations = o1.Evaluations + 1 };
            theta1 = o1.X;
            beta1 = stage1.Beta;
            betaSe = stage1.BetaStandardErrors;
            start = theta0.Concat(beta0).ToArray();
        }
        else
        {
            theta1 = (double[])warmStart.Theta.Clone();
            beta1 = (double[])warmStart.Beta.Clone();
            betaSe = warmStart.BetaScale;
            start = theta1.Concat(beta1).ToArray();
            o1 = new OptimizerResult(theta1, double.NaN, 0, true, "warm start");
        }

        if (nagq == 0 && stage1 is not null)
        {
            var lap0 = new LaplaceDeviance(stage1.Backend);
            return new GlmmOptimum(theta1, beta1, d1, o1, v => lap0.Evaluate(v.AsSpan(0, nt), v.AsSpan(nt)), start, o1.Evaluations, stage1.Backend);
        }
        stage1?.Dispose();

        // Laplace and AGQ share one backend: every evaluation sets (θ, β) before it runs.
        var lap = new LaplaceDeviance(frame, backend) { PirlsTolerance = warmStart?.PirlsTolerance ?? Pirls.DecreaseTolerance };
        Func<double[], double> laplace = v => lap.Evaluate(v.AsSpan(0, nt), v.AsSpan(nt));
        Func<double[], double> objective = laplace;
        if (nagq > 1)
        {
            var agq = new AgqDeviance(lap.Backend, nagq);
            objective = v => agq.Evaluate(v.AsSpan(0, nt), v.AsSpan(nt));
        }

        // Stage 2 works in standardized units: β_j in units of its R_X standard error from stage 1, and θ_i
        // in units of √(2/c_i), c_i the curvature of D along θ_i at the stage-1 estimate (so a unit step
        // changes D by about 1 in every direction, which the trust-region method needs to be efficient).
        var scale = new double[nt + p];
        var v1 = theta1.Concat(beta1).ToArray();
        // A warm start's Hessian gives c_i directly; otherwise central differences at the stage-1 estimate.
        var hess = warmStart?.Hessian is { } wh && wh.Length == (nt + p) * (nt + p) ? wh : null;
        int extra = 0;
        double f1 = double.NaN;
        for (int i = 0; i < nt; i++)
        {
            double curv;
            if (hess is not null) curv = hess[i * (nt + p) + i];
            else
            {
                if (extra == 0) { f1 = laplace(v1); extra = 1; }
                double h = 1e-3 * Math.Max(1, Math.Abs(v1[i]));
                var a = (double[])v1.Clone(); a[i] += h;
                var c = (double[])v1.Clone(); c[i] -= h;
                curv = (laplace(a) - 2 * f1 + laplace(c)) / (h * h);
                extra += 2;
            }
            scale[i] = curv > 0 && double.IsFinite(curv) ? Math.Sqrt(2 / curv) : 0.2;
        }
        for (int j = 0; j < p; j++)
        {
            double s = betaSe[j];
            scale[nt + j] = double.IsFinite(s) && s > 0 ? s : Math.Max(0.1, Math.Abs(beta1[j]));
        }
        double[] Unscale(double[] z)
        {
            var v = new double[nt + p];
            for (int i = 0; i < v.Length; i++) v[i] = v1[i] + scale[i] * z[i];
            return v;
        }
        var z0 = new double[nt + p];
        var lower = new double[nt + p];
        for (int i = 0; i < nt + p; i++) lower[i] = i < nt ? (lowerT[i] - v1[i]) / scale[i] : double.NegativeInfinity;
        var upper = Enumerable.Repeat(double.PositiveInfinity, nt + p).ToArray();
        double rhoEnd = warmStart?.Tolerance ?? 1e-3;
        // In z units the original fit's curvature is diag(scale)·H·diag(scale).
        double[]? hz = null;
        if (hess is not null)
        {
            hz = new double[(nt + p) * (nt + p)];
            for (int i = 0; i < nt + p; i++)
                for (int j = 0; j < nt + p; j++) hz[i * (nt + p) + j] = scale[i] * scale[j] * hess[i * (nt + p) + j];
        }
        var o2 = BoundedTrustRegion.Minimize(z => laplace(Unscale(z)), z0, 0.5, rhoEnd, lower, upper,
            settings with { MaxEvaluations = Math.Max(1, settings.MaxEvaluations - o1.Evaluations) }, hz);
        int evals = o1.Evaluations + extra + o2.Evaluations;
        if (nagq > 1)
        {
            // AGQ costs K passes per evaluation: reach the Laplace optimum first, then polish on AGQ from there
            // (the two optima are a fraction of a standard error apart).
            var o3 = BoundedTrustRegion.Minimize(z => objective(Unscale(z)), o2.X, 0.1, rhoEnd, lower, upper,
                settings with { MaxEvaluations = Math.Max(1, settings.MaxEvaluations - evals) }, hz);
            evals += o3.Evaluations;
            o2 = o3;
        }
        var best = Unscale(o2.X);
        return new GlmmOptimum(best[..nt], best[nt..], o2.F, o2 with { X = best, Evaluations = evals }, objective, start, o1.Evaluations, lap.Backend);
    }
}

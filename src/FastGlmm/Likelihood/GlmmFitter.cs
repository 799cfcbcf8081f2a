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
/// <param name="Objective">D as a function of [ψ, β].</param>
/// <param name="Start">The starting [ψ, β] (lme4's θ start and the GLM β).</param>
/// <param name="StageOneEvaluations">Evaluations of the first stage.</param>
/// <param name="Backend">The backend <paramref name="Objective"/> runs on; after a call it holds û at that point.</param>
/// <param name="Covariance">The covariance parameters ψ the optimizer moved (ψ = θ when every term is unstructured).</param>
/// <param name="Psi">ψ̂; <see cref="Objective"/> and <see cref="Start"/> are over [ψ, β].</param>
public sealed record GlmmOptimum(double[] Theta, double[] Beta, double Deviance, OptimizerResult Optimizer,
    Func<double[], double> Objective, double[] Start, int StageOneEvaluations, Backends.IGlmmBackend Backend,
    CovarianceParameters Covariance, double[] Psi)
{
    /// <summary>The β scales the second stage used (R_X standard errors of the first stage, or a warm start's).</summary>
    public double[] BetaScale { get; init; } = [];
}

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
    /// <summary>Objective evaluations a fit (or a refit) may use when no settings are given.</summary>
    public const int DefaultMaxEvaluations = 20_000;

    /// <summary>
    /// lme4's θ start of 1 assumes random effects on the scale of a unit change in η; under an inverse link η may be of
    /// order 10⁻³ (Gamma or gaussian reaction times), and then the first stage's radius (5e-2) cannot resolve the optimum,
    /// which lies at θ of the same order, with the deviance falling steeply towards it. So for lme4's families with a scale
    /// (whose η carries the response's units) θ₁/10, θ₁/100 and θ₁/1000 are tried too (3 evaluations); when one is lower
    /// the first stage restarts there at that scale, and the best end is kept.
    /// </summary>
    private static OptimizerResult SmallerScale(ProfiledLaplaceDeviance stage1, CovarianceParameters cov, OptimizerResult o1, double rhoEnd,
        double[] lower, double[] upper, OptimizerSettings settings)
    {
        if (!stage1.Backend.Problem.Family.UsesLme4Scale || o1.X.All(v => v == 0) || !double.IsFinite(o1.F)) return o1;
        double best = o1.F, scale = 1;
        double[]? from = null;
        int evals = 0;
        foreach (double s in new[] { 0.1, 0.01, 0.001 })
        {
            // θ scales as a whole; of a structured term's ψ only the SDs do (its correlation stays).
            var t = o1.X.Select((v, i) => cov.IsIdentity || cov.IsVariance(i) ? v * s : v).ToArray();
            double d;
            try { d = stage1.Evaluate(cov.ToTheta(t)); }
            catch (Exception e) when (e is PirlsException or NumericalFailureException) { d = double.PositiveInfinity; }
            evals++;
            if (d < best - 1e-6 * Math.Abs(best)) (best, from, scale) = (d, t, s);
        }
        if (from is null) return o1 with { Evaluations = o1.Evaluations + evals };
        double rho = Math.Min(0.95, 0.2 * from.Max(Math.Abs));
        var o = BoundedTrustRegion.Minimize(t => stage1.Evaluate(cov.ToTheta(t)), from, rho, Math.Min(rho, rhoEnd * scale), lower, upper,
            settings with { MaxEvaluations = Math.Max(1, settings.MaxEvaluations - o1.Evaluations - evals) });
        return (o.F < o1.F ? o : o1) with { Evaluations = o1.Evaluations + evals + o.Evaluations };
    }

    /// <summary>
    /// Minimizes −2 log L with <paramref name="nagq"/> nodes per dimension (0 = first stage only). With a
    /// <paramref name="warmStart"/> (a refit, as lme4's <c>refit()</c> and <c>bootMer</c> do) the first stage is
    /// skipped and the second starts from the given θ and β, with β in units of the given standard errors.
    /// The objectives run on the backend <paramref name="backend"/> makes (the CPU by default).
    /// </summary>
    public static GlmmOptimum Fit(ModelFrame frame, OptimizerSettings? settings = null, int nagq = 1, WarmStart? warmStart = null,
        Backends.GlmmBackendFactory? backend = null)
    {
        settings ??= new OptimizerSettings { MaxEvaluations = DefaultMaxEvaluations };
        // The optimizer moves ψ (= θ unless a term has a structured covariance); the objectives read θ(ψ).
        var cov = new CovarianceParameters(frame.RandomTerms);
        int nt = cov.Count, p = frame.X.Columns;
        var lowerT = cov.Lower;
        var upperT = Enumerable.Repeat(double.PositiveInfinity, nt).ToArray();

        double[] theta1, beta1, betaSe, start;
        OptimizerResult o1;
        ProfiledLaplaceDeviance? stage1 = null;
        double d1 = double.NaN;
        if (warmStart is null)
        {
            var beta0 = GlmIrls.Fit(frame);
            Diagnostics.ProcessMemory.Release(compact: false); // the GLM's per-row arrays, before the backend's
            Diagnostics.StageTrace.Mark("GLM start fitted");
            var theta0 = cov.Initial;
            stage1 = new ProfiledLaplaceDeviance(frame, beta0, backend);
            Diagnostics.StageTrace.Mark("backend ready");
            double rho1 = Math.Min(0.95, 0.2 * theta0.Max(Math.Abs));
            double rhoEnd1 = nagq == 0 ? 1e-8 : 5e-2;
            o1 = BoundedTrustRegion.Minimize(t => stage1.Evaluate(cov.ToTheta(t)), theta0, rho1, rhoEnd1, lowerT, upperT, settings);
            o1 = SmallerScale(stage1, cov, o1, rhoEnd1, lowerT, upperT, settings);
            d1 = stage1.Evaluate(cov.ToTheta(o1.X));
            Diagnostics.StageTrace.Mark($"stage 1 done ({o1.Evaluations} evaluations)");
            o1 = o1 with { Evaluations = o1.Evaluations + 1 };
            theta1 = o1.X;
            beta1 = stage1.Beta;
            betaSe = stage1.BetaStandardErrors;
            start = theta0.Concat(beta0).ToArray();
        }
        else
        {
            theta1 = cov.IsIdentity ? (double[])warmStart.Theta.Clone() : cov.FromTheta(warmStart.Theta);
            beta1 = (double[])warmStart.Beta.Clone();
            betaSe = warmStart.BetaScale;
            start = theta1.Concat(beta1).ToArray();
            o1 = new OptimizerResult(theta1, double.NaN, 0, true, "warm start");
        }

        if (nagq == 0 && stage1 is not null)
        {
            var lap0 = new LaplaceDeviance(stage1.Backend);
            return new GlmmOptimum(cov.ToTheta(theta1), beta1, d1, o1, v => lap0.Evaluate(cov.ToTheta(v.AsSpan(0, nt)), v.AsSpan(nt)), start,
                o1.Evaluations, stage1.Backend, cov, theta1) { BetaScale = betaSe };
        }
        // Laplace and AGQ share one backend: every evaluation sets (θ, β) before it runs. It is stage 1's, its modes
        // reset to 0 as a new one's are, so that the per-row state exists once at a time.
        stage1?.Backend.ResetModes();
        var lapBackend = stage1?.Backend ?? (backend ?? Backends.GlmmBackends.Cpu)(new GlmmProblem(frame));
        var lap = new LaplaceDeviance(lapBackend) { PirlsTolerance = warmStart?.PirlsTolerance ?? Pirls.DecreaseTolerance };
        Diagnostics.StageTrace.Mark("stage 2 backend ready");
        Func<double[], double> laplace = v => lap.Evaluate(cov.ToTheta(v.AsSpan(0, nt)), v.AsSpan(nt));
        Func<double[], double> objective = laplace;
        if (nagq > 1)
        {
            var agq = new AgqDeviance(lap.Backend, nagq);
            objective = v => agq.Evaluate(cov.ToTheta(v.AsSpan(0, nt)), v.AsSpan(nt));
        }

        // Stages 2 and 3 in standardized units (β_j in R_X standard errors, θ_i by the curvature of D along it),
        // so that a unit step changes D by about 1 in every direction, as the trust-region method needs.
        var run = new StageTwoRun(theta1, beta1, betaSe, lowerT, warmStart?.Hessian, warmStart?.Tolerance ?? 1e-3, nagq,
            settings.MaxEvaluations - o1.Evaluations);
        while (run.Ask() is { } q) run.Tell(q.On == StageObjective.Agq ? objective(q.V) : laplace(q.V));
        var o2 = run.Result;
        var best = o2.X;
        return new GlmmOptimum(cov.ToTheta(best.AsSpan(0, nt)), best[nt..], o2.F, o2 with { Evaluations = o1.Evaluations + o2.Evaluations }, objective, start,
            o1.Evaluations, lap.Backend, cov, best[..nt]) { BetaScale = betaSe };
    }
}

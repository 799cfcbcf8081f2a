using System.Diagnostics;
using FastGlmm.Backends.Cpu;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Likelihood;
using FastGlmm.Model;
using FastGlmm.Optimization;

namespace FastGlmm.Fitting;

/// <summary>
/// Fits linear mixed models (profiled ML/REML deviance) and GLMMs (Laplace) and assembles a
/// <see cref="FitResult"/> with lme4's quantities, the convergence checks (central-difference
/// gradient scaled by the Hessian, positive definiteness, boundary fits) and the optimizer's record.
/// </summary>
public static partial class MixedModel
{
    /// <summary>Gradient tolerance of the convergence check (lme4's check.conv.grad).</summary>
    public const double GradientTolerance = 2e-3;

    /// <summary>Fits the frame's model.</summary>
    public static FitResult Fit(ModelFrame frame, FitOptions? options = null)
    {
        options ??= new FitOptions();
        if (options.Nagq < 0 || options.Nagq > 100)
            throw new UserInputException($"nAGQ must be between 0 and 100 (got {options.Nagq})");
        if (options.Mcml is { } mcml)
        {
            if (options.Nagq != 1) throw new UserInputException($"nAGQ = {options.Nagq} and Monte Carlo likelihood exclude each other; leave nAGQ at 1");
            MonteCarlo.ConditionalLogLikelihood.CheckSupported(frame.Family);
            mcml.Check();
        }
        FrameChecks.Check(frame);
        Diagnostics.MemoryBudget.Check(frame);
        if (options.Mcml is not null) CovarianceParameters.RefuseStructured(frame, "Monte Carlo likelihood");
        FitResult fit;
        try
        {
            var sw = Stopwatch.StartNew();
            if (options.ZeroInflation is not null && !(frame.Family.IsGlmmTmbFamily && frame.Family.Family != FamilyId.Beta || frame.Family.Family == FamilyId.Poisson))
                throw new UserInputException($"zero inflation applies to count families (poisson, nbinom2, nbinom1), not {frame.Family}");
            // glmmTMB's Gamma (φ by maximum likelihood, observed-information Laplace) with --laplace observed.
            bool glmmTmbGamma = frame.Family.Family == FamilyId.Gamma && frame.Family.Link == LinkId.Log && options.Laplace == LaplaceInformation.Observed;
            fit = frame.Family.IsGlmmTmbFamily || options.ZeroInflation is not null || glmmTmbGamma ? FitCounts(frame, options, sw)
                : frame.RandomTerms.Count == 0 ? FitFixedOnly(frame, options, sw)
                : options.Mcml is { } m ? FitMcml(frame, options, m, sw)
                : frame.Family.IsLinearMixedModel ? FitLmm(frame, options, sw) : FitGlmm(frame, options, sw);
        }
        catch (PirlsException e)
        {
            throw FitFailure.Explain(frame, e);
        }
        catch (NumericalFailureException e)
        {
            throw FitFailure.Explain(frame, e);
        }
        FitFailure.CheckFinite(frame, fit);
        return fit;
    }

    /// <summary>Σ w(y − μ̂)²/V(μ̂) + ‖û‖² at (θ, β, û): lme4's pwrss, whose n-th part is a Gamma GLMM's σ².</summary>
    private static double ScaledPwrss(GlmmProblem prob, double[] theta, double[] beta, double[] u)
    {
        var fam = Family.For(prob.Family);
        var factors = new double[prob.FactorOffsets[^1]];
        prob.FillFactors(theta, factors);
        var zl = new double[Math.Max(1, prob.K)];
        double s = 0;
        for (int b = 0; b < prob.BlockCount; b++)
            for (int i = prob.RowOffsets[b]; i < prob.RowOffsets[b + 1]; i++)
            {
                double mu = fam.LinkInverse(prob.ConditionalEta(i, prob.UOffsets[b], factors, beta, u, zl)), r = prob.Y[i] - mu;
                s += prob.Weights[i] * r * r / fam.Variance(mu);
            }
        foreach (double v in u) s += v * v;
        return s;
    }

    /// <summary>The structured terms' SDs and ρ (null when every term is unstructured).</summary>
    private static IReadOnlyList<CovarianceStructureReport>? StructureReport(ModelFrame frame, CovarianceParameters cov, double[] psi, double sigma) =>
        cov.IsIdentity ? null : cov.Report(psi, frame.RandomTerms, sigma);

    private static bool WantHessian(ModelFrame frame, FitOptions o, int parameters) =>
        o.HessianStandardErrors ?? (frame.RowCount < 10_000 && parameters < 20);

    private static FitResult FitLmm(ModelFrame frame, FitOptions o, Stopwatch sw)
    {
        var prob = new GlmmProblem(frame);
        var layout = prob.Layout;
        var dev = new LmmDeviance(new LmmCrossProducts(frame, problem: prob), layout);
        var cov = new CovarianceParameters(frame.RandomTerms);
        var fit = LmmFitter.Fit(frame, o.Reml, o.Optimizer, deviance: dev);
        List<OptimizerStart>? starts = null;
        if (fit.Singular)
        {
            // A boundary fit: once more from the lifted start (see RestartFromBoundary), keeping the lower criterion.
            var lifted = cov.LiftedStart(fit.Psi);
            var again = LmmFitter.Fit(frame, o.Reml, o.Optimizer, thetaStart: cov.ToTheta(lifted), deviance: dev);
            bool better = again.Deviance < fit.Deviance - 1e-8;
            starts = [new(cov.Initial, fit.Deviance, fit.Optimizer.Evaluations, !better), new(lifted, again.Deviance, again.Optimizer.Evaluations, better)];
            int evals = fit.Optimizer.Evaluations + again.Optimizer.Evaluations;
            fit = better ? again : fit;
            fit = fit with { Optimizer = fit.Optimizer with { Evaluations = evals } };
        }
        double F(double[] psi) => dev.Evaluate(cov.ToTheta(psi), o.Reml).Deviance;
        // A singular fit is not held to the gradient checks (as lme4), so it gets the gradient alone (a Hessian by
        // differences of the deviance would take 2·#θ² evaluations). A structured fit is checked over ψ, by differences.
        var (g, h, ev) = (cov.IsIdentity ? GradientDerivatives(dev, o.Reml, fit.Theta) : null)
            ?? FiniteDifferences.Derivatives(F, fit.Psi, fit.Deviance, withHessian: !fit.Singular);
        var u = dev.Modes(fit.Theta, fit.Beta);
        var fs = FinalState.Compute(prob, fit.Theta, fit.Beta, u, fit.Sigma * fit.Sigma);
        var checks = Checks(fit.Optimizer, g, h, fit.Singular);
        int n = frame.RowCount;
        return Assemble(frame, prob, fs, u, o.Reml ? "REML" : "ML", 0, fit.Theta, fit.Beta, fit.Sigma,
            fit.BetaSe, "rx", null, fit.LogLik, fit.Df, new ConvergenceReport(checks.Converged, fit.Method,
                fit.Optimizer.Evaluations + ev, sw.Elapsed.TotalSeconds, checks.MaxGradient, checks.PositiveDefinite,
                fit.Singular, checks.Messages, cov.Initial, fit.Psi) { Starts = starts }) with { CovarianceStructures = StructureReport(frame, cov, fit.Psi, fit.Sigma) };
    }

    /// <summary>
    /// The LMM deviance's gradient at θ̂ (analytic) and its Hessian by forward differences of the analytic gradient,
    /// H[:, i] = (∇d(θ̂ + h e_i) − ∇d(θ̂))/h with h = 10⁻⁴·max(1, |θ̂_i|), symmetrized; null where the gradient does not
    /// exist in that form (a diagonal θ is 0), where the caller differences the deviance instead.
    /// </summary>
    private static (double[] Gradient, double[]? Hessian, int Evaluations)? GradientDerivatives(LmmDeviance dev, bool reml, double[] theta)
    {
        var (_, g0) = dev.EvaluateWithGradient(theta, reml);
        if (g0 is null) return null;
        int n = theta.Length;
        var h = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            double step = 1e-4 * Math.Max(1, Math.Abs(theta[i]));
            var x = (double[])theta.Clone();
            x[i] += step;
            var (_, gi) = dev.EvaluateWithGradient(x, reml);
            if (gi is null) return null;
            for (int j = 0; j < n; j++) h[j * n + i] = (gi[j] - g0[j]) / step;
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) h[i * n + j] = h[j * n + i] = (h[i * n + j] + h[j * n + i]) / 2;
        return (g0, h, n + 1);
    }

    private static FitResult FitGlmm(ModelFrame frame, FitOptions o, Stopwatch sw)
    {
        var (opt, starts) = RestartFromBoundary(frame, o, GlmmFitter.Fit(frame, o.Optimizer, o.Nagq, backend: o.Backend));
        Diagnostics.StageTrace.Mark("optimizer done");
        var prob = opt.Backend.Problem;
        var cov = opt.Covariance;
        int nt = cov.Count, p = frame.X.Columns;
        var v = opt.Psi.Concat(opt.Beta).ToArray();
        v = cov.ZeroSmallVariances(v, opt.Objective);
        double d = opt.Objective(v);
        bool singular = cov.IsBoundary(v);
        bool derivs = WantHessian(frame, o, v.Length) && o.Nagq > 0;
        // As lme4 (calc.derivs): derivatives, and so the gradient check and Hessian SEs, only for n < 10⁴ and
        // fewer than 20 parameters unless asked; with nAGQ = 0, β comes from PIRLS and is not checked.
        var (g, h, ev) = !derivs ? ([], null, 0) : FiniteDifferences.Derivatives(opt.Objective, v, d, !singular);
        if (h is { } h0) (v, d, g, h, ev) = NewtonPolish(opt.Objective, cov.Lower, v, d, g, h0, ev);
        double[]? seH = null;
        double[]? vcovH = null;
        if (h is not null && HessianCovariance(h, nt, p) is { } hcov)
        {
            vcovH = hcov;
            seH = Enumerable.Range(0, p).Select(j => Math.Sqrt(hcov[j * p + j])).ToArray();
        }
        var psi = v[..nt];
        var theta = cov.ToTheta(psi);
        var beta = v[nt..];
        // The objective's backend holds û at the last point it evaluated; make that the optimum.
        opt.Objective(v);
        var u = new double[prob.TotalRandomEffects];
        opt.Backend.ReadModes(u);
        opt.Backend.Dispose();
        // lme4's scale of a Gamma or non-identity gaussian GLMM (useSc): σ = √(pwrss/n), pwrss = Σ w(y − μ̂)²/V(μ̂) + ‖û‖². lme4 reports VarCorr,
        // the conditional variances and vcov(β̂) from R_X scaled by σ², a Residual row, and counts σ in the df.
        double? sigma = frame.Family.UsesLme4Scale ? Math.Sqrt(ScaledPwrss(prob, theta, beta, u) / prob.N) : null;
        var fs = FinalState.Compute(prob, theta, beta, u, sigma is { } sg ? sg * sg : 1.0);
        Diagnostics.StageTrace.Mark("final state computed");
        var seRx = Enumerable.Range(0, p).Select(j => Math.Sqrt(fs.VcovRX[j * p + j])).ToArray();
        var checks = Checks(opt.Optimizer, g, h, singular);
        var result = Assemble(frame, prob, fs, u, o.Nagq switch { 0 => "Laplace (nAGQ = 0)", 1 => "Laplace", _ => $"AGQ({o.Nagq})" }, o.Nagq, theta, beta, sigma, seH ?? seRx, seH is null ? "rx" : "hessian",
            seH, -d / 2, p + nt + (sigma is null ? 0 : 1), new ConvergenceReport(checks.Converged, "two-stage bounded trust region (BOBYQA-class)",
                opt.Optimizer.Evaluations + ev + 2, sw.Elapsed.TotalSeconds, checks.MaxGradient, checks.PositiveDefinite,
                singular, checks.Messages, opt.Start, v) { Starts = starts });
        result = result with { Backend = opt.Backend.Name, DevianceHessian = h, CovarianceStructures = StructureReport(frame, cov, psi, sigma ?? 1) };
        if (sigma is not null)
            result = result with { DispersionKind = frame.Family.Family == FamilyId.Gamma
                ? "lme4's Gamma GLMM scale: sigma() = √(pwrss/n), pwrss = Σw(y − μ̂)²/V(μ̂) + ‖û‖² (in Sigma; --laplace observed gives glmmTMB's φ by maximum likelihood)"
                : "lme4's gaussian GLMM scale: sigma() = √(pwrss/n), pwrss = Σw(y − μ̂)² + ‖û‖² (in Sigma)" };
        return vcovH is null ? result : result with { BetaCovariance = vcovH };
    }

    /// <summary>
    /// lme4 stops at the first boundary its optimizer reaches; a derivative-free search can end in the wrong corner of
    /// the boundary (an intercept SD of 0 where the optimum has a slope SD of 0). So a boundary (singular) fit, with
    /// nAGQ ≥ 1, runs stages 2 (and 3) once more from <see cref="CovarianceParameters.LiftedStart"/> with its β, and the
    /// lower −2 log L is kept; both starts are recorded. A restart that fails numerically is recorded with D = +∞.
    /// </summary>
    private static (GlmmOptimum Optimum, List<OptimizerStart>? Starts) RestartFromBoundary(ModelFrame frame, FitOptions o, GlmmOptimum first)
    {
        var cov = first.Covariance;
        if (o.Nagq == 0 || !cov.IsBoundary(first.Psi)) return (first, null);
        var lifted = cov.LiftedStart(first.Psi);
        GlmmOptimum? second = null;
        try
        {
            second = GlmmFitter.Fit(frame, o.Optimizer, o.Nagq, new WarmStart(cov.ToTheta(lifted), first.Beta, first.BetaScale), o.Backend);
        }
        catch (Exception e) when (e is PirlsException or NumericalFailureException) { }
        bool better = second is not null && second.Deviance < first.Deviance - 1e-8;
        var starts = new List<OptimizerStart>
        {
            new(first.Start, first.Deviance, first.Optimizer.Evaluations, !better),
            new([.. lifted, .. first.Beta], second?.Deviance ?? double.PositiveInfinity, second?.Optimizer.Evaluations ?? 0, better),
        };
        int evals = first.Optimizer.Evaluations + (second?.Optimizer.Evaluations ?? 0);
        var kept = better ? second! : first;
        (better ? first : second)?.Backend.Dispose();
        return (kept with { Optimizer = kept.Optimizer with { Evaluations = evals }, Start = first.Start }, starts);
    }

    /// <summary>
    /// With a positive-definite Hessian at the optimizer's end point, Newton steps v ← v − H⁻¹g on the finite-difference
    /// derivatives while the predicted decrease g'H⁻¹g/2 is at least 1e-10, each kept only if it stays within θ's bounds
    /// and lowers the deviance, and the derivatives recomputed there (at most three steps). The derivative-free optimizer
    /// stops on its radius, about 1e-6 short in D (more along a flat direction); this finishes it to about 1e-10, where
    /// lme4's own tests check its optimum.
    /// </summary>
    private static (double[] V, double D, double[] G, double[]? H, int Evaluations) NewtonPolish(Func<double[], double> f,
        double[] lowerTheta, double[] v, double d, double[] g, double[] h, int evals)
    {
        for (int step = 0; step < 3; step++)
        {
            var (_, pd) = FiniteDifferences.ScaledGradient(g, h);
            if (pd != true) break;
            int n = v.Length;
            var l = (double[])h.Clone();
            if (!Linalg.DenseCholesky.Factor(l, n)) break;
            var delta = (double[])g.Clone();
            Linalg.DenseCholesky.SolveLower(l, n, delta);
            // Stop once the step's predicted decrease g'H⁻¹g/2 is below 1e-10: D is then at its minimum to about 1e-10,
            // as lme4's own tests of its optimum ask (1e-9 relative); the trust region ends about 1e-6 short.
            double predicted = 0;
            for (int i = 0; i < n; i++) predicted += delta[i] * delta[i];
            if (predicted / 2 < 1e-10) break;
            Linalg.DenseCholesky.SolveUpperTransposed(l, n, delta);
            var w = new double[n];
            bool inside = true;
            for (int i = 0; i < n; i++)
            {
                w[i] = v[i] - delta[i];
                if (i < lowerTheta.Length && w[i] < lowerTheta[i]) inside = false;
            }
            if (!inside) break;
            double dw = f(w);
            evals++;
            if (!(dw < d)) break;
            (v, d) = (w, dw);
            var (g2, h2, e2) = FiniteDifferences.Derivatives(f, v, d, withHessian: true);
            evals += e2;
            if (h2 is null) break;
            (g, h) = (g2, h2);
        }
        return (v, d, g, h, evals);
    }

    /// <summary>Var(β̂) = 2[H⁻¹]_ββ (p × p row-major), or null when H is not positive definite.</summary>
    private static double[]? HessianCovariance(double[] h, int nt, int p) => CovarianceBlock(h, nt + p, nt, p);

    /// <summary>û at (θ, β): PIRLS on the CPU backend (for an LMM it is the penalized least-squares solution).</summary>
    private static double[] Modes(GlmmProblem prob, double[] theta, double[] beta)
    {
        using var backend = CpuGlmmBackend.Create(prob);
        backend.SetParameters(theta, beta);
        Pirls.Run(backend);
        var u = new double[prob.TotalRandomEffects];
        backend.ReadModes(u);
        return u;
    }

    private static (bool Converged, double MaxGradient, bool? PositiveDefinite, List<string> Messages) Checks(
        OptimizerResult opt, double[] g, double[]? h, bool singular)
    {
        var messages = new List<string> { opt.Message };
        bool ok = opt.Converged;
        var (mg, pd) = FiniteDifferences.ScaledGradient(g, h);
        if (singular) messages.Add("boundary (singular) fit: a random-effect variance is estimated as 0 (or a correlation as ±1)");
        if (!singular && mg > GradientTolerance)
        {
            ok = false;
            messages.Add($"Model failed to converge with max|grad| = {mg:G4} (tol = {GradientTolerance})");
        }
        if (!singular && pd == false)
        {
            ok = false;
            messages.Add("Model failed to converge: the Hessian is not positive definite");
        }
        if (!opt.Converged) messages.Add("the optimizer stopped before converging; estimates may be unreliable");
        return (ok, mg, pd, messages);
    }
}

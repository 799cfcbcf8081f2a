using System.Diagnostics;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Likelihood;
using FastGlmm.Model;
using FastGlmm.Optimization;

namespace FastGlmm.Fitting;

public static partial class MixedModel
{
    /// <summary>
    /// A negative binomial (nbinom2, log link) mixed model, as glmmTMB fits it: −2 log L by Laplace
    /// (<see cref="NegativeBinomialLaplace"/>; glmmTMB's observed information by default, lme4's glmer.nb objective with
    /// Fisher's) minimized jointly over v = [θ, β, log k] with the bounded trust-region optimizer, in units where a unit
    /// step changes the deviance by about 1 (β in the start GLM's standard errors, θ and log k by the deviance's
    /// curvature along them), from θ = 1 and the negative binomial GLM's β and k; then Newton steps on the
    /// finite-difference derivatives while they lower the deviance. Var(β̂) = 2[H⁻¹]_ββ (H the Hessian of the deviance in
    /// v, as glmmTMB's sdreport), and k̂ is reported as the dispersion (glmmTMB's sigma()).
    /// </summary>
    private static FitResult FitNegativeBinomial(ModelFrame frame, FitOptions o, Stopwatch sw)
    {
        if (o.Nagq != 1) throw new UserInputException($"nAGQ = {o.Nagq}: the negative binomial is fitted by Laplace only (as glmmTMB); leave nAGQ at 1");
        var info = o.Laplace ?? LaplaceInformation.Observed;
        var prob = new GlmmProblem(frame);
        var layout = prob.Layout;
        int nt = layout.Count, p = prob.P, nv = nt + p + 1;
        var (beta0, k0, se0) = NegativeBinomialGlm.Fit(prob);
        var lap = new NegativeBinomialLaplace(prob, info);
        double D(double[] v) => lap.Evaluate(v.AsSpan(0, nt), v.AsSpan(nt, p), Math.Exp(v[nt + p]));
        var v0 = layout.Initial.Concat(beta0).Append(Math.Log(k0)).ToArray();
        double d0 = D(v0);
        int evals = 1;
        // Units: β in the GLM's standard errors; θ and log k by the curvature of D along each (a unit step ≈ 1 in D).
        var scale = new double[nv];
        for (int j = 0; j < nv; j++)
        {
            if (j >= nt && j < nt + p) { scale[j] = se0[j - nt]; continue; }
            double step = 0.05, dp = D(With(v0, j, step)), dm = D(With(v0, j, -step));
            evals += 2;
            double curv = (dp - 2 * d0 + dm) / (step * step);
            scale[j] = double.IsFinite(curv) && curv > 0 ? Math.Clamp(Math.Sqrt(2 / curv), 1e-3, 10) : 1;
        }
        // θ is unbounded here: D depends on Λ only through ΛΛ' (u ~ N(0, I) is invariant under sign flips of T's
        // columns), so a negative diagonal is the same model as its flipped column; θ is made canonical at the end.
        var lower = Enumerable.Repeat(double.NegativeInfinity, nv).ToArray();
        var upper = Enumerable.Repeat(double.PositiveInfinity, nv).ToArray();
        // log k within [log 1e-8, log 1e8]: beyond, the model is Poisson (k → ∞) or degenerate.
        lower[nv - 1] = (Math.Log(1e-8) - v0[nv - 1]) / scale[nv - 1];
        upper[nv - 1] = (Math.Log(1e8) - v0[nv - 1]) / scale[nv - 1];
        double[] ToV(double[] x) => [.. x.Select((xi, j) => j < nt ? xi * scale[j] : v0[j] + xi * scale[j])];
        var x0 = v0.Select((vj, j) => j < nt ? vj / scale[j] : 0).ToArray();
        var settings = o.Optimizer ?? new OptimizerSettings { MaxEvaluations = GlmmFitter.DefaultMaxEvaluations };
        // Stage 1: coarse, in the start's units.
        var opt = BoundedTrustRegion.Minimize(x => D(ToV(x)), x0, 2.0, 0.05, lower, upper, settings);
        evals += opt.Evaluations;
        Diagnostics.StageTrace.Mark($"nbinom2 stage 1 done ({opt.Evaluations} evaluations)");
        var v = ToV(opt.X);
        double d = D(v);
        evals++;
        // Stage 2: in whitened units x = L'(v − v₁), H = LL' the finite-difference Hessian at stage 1's end, where D is
        // about ½‖x‖² + linear, started with that curvature; without a positive-definite H, in stage 1's units again.
        var (g, h, e) = FiniteDifferences.Derivatives(D, v, d, withHessian: true);
        evals += e;
        var chol = h is null ? null : (double[])h.Clone();
        if (chol is not null && !Linalg.DenseCholesky.Factor(chol, nv)) chol = null;
        var v1 = (double[])v.Clone();
        Func<double[], double[]> toV2;
        double[] start2;
        double[]? model2 = null;
        double[] lower2 = Enumerable.Repeat(double.NegativeInfinity, nv).ToArray(), upper2 = Enumerable.Repeat(double.PositiveInfinity, nv).ToArray();
        if (chol is not null)
        {
            toV2 = x =>
            {
                var dv = (double[])x.Clone();
                Linalg.DenseCholesky.SolveUpperTransposed(chol, nv, dv);
                return [.. v1.Select((vj, j) => vj + dv[j])];
            };
            start2 = new double[nv];
            model2 = new double[nv * nv];
            for (int j = 0; j < nv; j++) model2[j * nv + j] = 1;
        }
        else
        {
            toV2 = ToV;
            start2 = opt.X;
            (lower2, upper2) = (lower, upper);
        }
        var opt2 = BoundedTrustRegion.Minimize(x => D(toV2(x)), start2, chol is null ? 0.05 : 0.5, 1e-4, lower2, upper2, settings, model2);
        evals += opt2.Evaluations;
        var v2 = toV2(opt2.X);
        double d2 = D(v2);
        evals++;
        if (d2 <= d) (v, d) = (v2, d2);
        Diagnostics.StageTrace.Mark($"nbinom2 stage 2 done ({opt2.Evaluations} evaluations)");
        opt = opt2 with { Evaluations = evals };
        Canonicalize(layout, v);
        // The derivatives at the optimum (standard errors and lme4's convergence check), unless a refit skips them.
        g = [];
        h = null;
        if (o.HessianStandardErrors ?? true)
        {
            (g, h, e) = FiniteDifferences.Derivatives(D, v, d, withHessian: true);
            evals += e;
        }
        Diagnostics.StageTrace.Mark($"nbinom2 derivatives done ({evals} evaluations in all)");
        D(v); // leaves û at v̂ in the evaluator
        var theta = v[..nt];
        var beta = v[nt..(nt + p)];
        double k = Math.Exp(v[^1]);
        bool singular = Enumerable.Range(0, nt).Any(i => layout.IsDiagonal(i) && theta[i] < 1e-4);
        var u = (double[])lap.Modes.Clone();
        var family = Family.For(frame.Family, k);
        var fs = FinalState.Compute(prob, theta, beta, u, 1.0, family);
        var seRx = Enumerable.Range(0, p).Select(j => Math.Sqrt(fs.VcovRX[j * p + j])).ToArray();
        var vcovH = h is null ? null : CovarianceBlock(h, nv, nt, p);
        var seH = vcovH is null ? null : Enumerable.Range(0, p).Select(j => Math.Sqrt(vcovH[j * p + j])).ToArray();
        var checks = Checks(opt, g, h, singular);
        var result = Assemble(frame, prob, fs, u, "Laplace", 1, theta, beta, null, seH ?? seRx, seH is null ? "rx" : "hessian",
            seH, -d / 2, p + nt + 1, new ConvergenceReport(checks.Converged, "bounded trust region (BOBYQA-class) over [θ, β, log k], then Newton",
                evals, sw.Elapsed.TotalSeconds, checks.MaxGradient, checks.PositiveDefinite, singular, checks.Messages, v0, v));
        result = result with
        {
            Dispersion = k,
            DispersionKind = "nbinom2 size k (Var = μ + μ²/k; glmmTMB's sigma()), maximum likelihood",
            LaplaceInformation = info == LaplaceInformation.Observed ? "observed" : "expected",
            Rows = new FitRows(prob, fs.Factors, beta, u, 1, family),
        };
        return vcovH is null ? result : result with { BetaCovariance = vcovH };
    }

    /// <summary>
    /// Flips the sign of every column of each T_t whose diagonal entry is negative (the same covariance TT'), so that
    /// θ has lme4's form (nonnegative diagonal).
    /// </summary>
    private static void Canonicalize(ThetaLayout layout, double[] v)
    {
        for (int t = 0; t < layout.TermCount; t++)
        {
            int q = layout.Columns(t), o = layout.Offset(t);
            for (int c = 0; c < q; c++)
            {
                int diag = o + ThetaLayout.PackedIndex(q, c, c);
                if (v[diag] >= 0) continue;
                for (int r = c; r < q; r++) v[o + ThetaLayout.PackedIndex(q, r, c)] = -v[o + ThetaLayout.PackedIndex(q, r, c)];
            }
        }
    }

    private static double[] With(double[] v, int j, double delta)
    {
        var w = (double[])v.Clone();
        w[j] += delta;
        return w;
    }

    /// <summary>2[H⁻¹] restricted to entries [nt, nt + p) (p × p row-major), or null when H is not positive definite.</summary>
    private static double[]? CovarianceBlock(double[] h, int n, int nt, int p)
    {
        var l = (double[])h.Clone();
        if (!Linalg.DenseCholesky.Factor(l, n)) return null;
        var cov = new double[p * p];
        for (int j = 0; j < p; j++)
        {
            var e = new double[n];
            e[nt + j] = 1;
            Linalg.DenseCholesky.SolveLower(l, n, e);
            Linalg.DenseCholesky.SolveUpperTransposed(l, n, e);
            for (int i = 0; i < p; i++) cov[i * p + j] = 2 * e[nt + i];
        }
        return cov;
    }
}

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
    /// A count mixed model as glmmTMB fits it, on the CPU: nbinom2, nbinom1, and poisson with zero inflation
    /// (<see cref="FitOptions.ZeroInflation"/>; any of the three). −2 log L by Laplace (<see cref="CountLaplace"/>;
    /// glmmTMB's observed information by default, lme4's glmer.nb objective with Fisher's) is minimized jointly over
    /// v = [θ, β, extra] (extra: log k, log φ, then the zero-inflation coefficients γ) with the bounded trust-region
    /// optimizer, first in units where a unit step changes the deviance by about 1 (β in the start GLM's standard errors,
    /// θ and the extra parameters by the deviance's curvature along them), then in units whitened by the
    /// finite-difference Hessian. The start: θ = 1, the negative binomial (or Poisson) GLM's β and k, φ from the
    /// Poisson GLM's overdispersion, γ's intercept from the zeros the GLM does not explain. Var(β̂) = 2[H⁻¹]_ββ (H the
    /// Hessian of the deviance in v, as glmmTMB's sdreport); k̂ or φ̂ is reported as the dispersion (glmmTMB's sigma()).
    /// </summary>
    private static FitResult FitCounts(ModelFrame frame, FitOptions o, Stopwatch sw)
    {
        string name = frame.Family.Family == FamilyId.Poisson ? "the zero-inflated poisson" : FamilySpec.Name(frame.Family.Family);
        if (o.Nagq != 1) throw new UserInputException($"nAGQ = {o.Nagq}: {name} is fitted by Laplace only (as glmmTMB); leave nAGQ at 1");
        if (o.Mcml is not null) throw new UserInputException($"--method mcml supports binomial(logit) and poisson(log) GLMMs without zero inflation, not {name}");
        var info = o.Laplace ?? LaplaceInformation.Observed;
        if (info == LaplaceInformation.Expected && frame.Family.Family != FamilyId.NegativeBinomial2)
            throw new UserInputException("--laplace expected: Fisher's information is lme4's glmer.nb objective, for nbinom2 without zero inflation; glmmTMB (the peer for this model) uses the observed");
        if (info == LaplaceInformation.Expected && o.ZeroInflation is not null)
            throw new UserInputException("--laplace expected: not with zero inflation (glmmTMB, the peer for it, uses the observed information)");
        var prob = new GlmmProblem(frame);
        // The optimizer moves ψ (= θ unless a term has a structured covariance); the Laplace objective reads θ(ψ).
        var cov = new CovarianceParameters(frame.RandomTerms);
        if (frame.Family.IsTruncated && o.ZeroInflation is null && Array.IndexOf(prob.Y, 0.0) is int zeroAt and >= 0)
            throw new UserInputException($"{frame.Family}: the response is 0 on data row {frame.InputRow[zeroAt] + 1}; a zero-truncated model has no zeros (give --ziformula \"~1\" for a hurdle model)");
        var warm = o.CountStart;
        var (rows, extra0, start) = CountModel(prob, o.ZeroInflation, needStart: warm is null);
        var beta0 = start.Beta;
        var se0 = start.Se;
        int nt = cov.Count, p = prob.P, ne = extra0.Length, nv = nt + p + ne;
        var lap = new CountLaplace(prob, rows, info) { Tolerance = warm is null ? 1e-20 : 1e-14 };
        double D(double[] v) => lap.Evaluate(cov.ToTheta(v.AsSpan(0, nt)), v.AsSpan(nt, p), v.AsSpan(nt + p));
        // θ starts at lme4's 1 (SD 1 on the link scale); for Gamma at √φ₀ (SD about the data's coefficient of
        // variation, lme4's start on its σ-scaled random effects), as an SD of 1 on the log scale is far off there.
        double thetaScale = frame.Family.Family == FamilyId.Gamma && extra0.Length > 0 ? Math.Exp(extra0[0] / 2) : 1;
        var v0 = warm?.V ?? cov.Initial.Select((t, i) => cov.IsIdentity || cov.IsVariance(i) ? t * thetaScale : t).Concat(beta0).Concat(extra0).ToArray();
        if (v0.Length != nv) throw new ArgumentException($"the warm start has {v0.Length} parameters, the model {nv}");
        double d0 = D(v0);
        int evals = 1;
        // Units: β in the GLM's standard errors; θ and log k by the curvature of D along each (a unit step ≈ 1 in D).
        var scale = new double[nv];
        for (int j = 0; j < nv && warm is null; j++)
        {
            if (j >= nt && j < nt + p) { scale[j] = se0[j - nt]; continue; }
            double step = 0.05, dp = D(With(v0, j, step)), dm = D(With(v0, j, -step));
            evals += 2;
            double curv = (dp - 2 * d0 + dm) / (step * step);
            scale[j] = double.IsFinite(curv) && curv > 0 ? Math.Clamp(Math.Sqrt(2 / curv), 1e-3, 10) : 1;
        }
        if (warm is not null) Array.Fill(scale, 1.0);
        // θ is unbounded here: D depends on Λ only through ΛΛ' (u ~ N(0, I) is invariant under sign flips of T's
        // columns), so a negative diagonal is the same model as its flipped column; θ is made canonical at the end.
        // A structured term's SDs enter θ(ψ) as |s|, so they too are free, and made nonnegative at the end.
        var lower = Enumerable.Repeat(double.NegativeInfinity, nv).ToArray();
        var upper = Enumerable.Repeat(double.PositiveInfinity, nv).ToArray();
        // log k (log φ) within [log 1e-8, log 1e8]: beyond, the model is Poisson or degenerate.
        if (frame.Family.IsNegativeBinomial || frame.Family.Family is FamilyId.Gamma or FamilyId.Beta or FamilyId.Tweedie)
        {
            lower[nt + p] = (Math.Log(1e-8) - v0[nt + p]) / scale[nt + p];
            upper[nt + p] = (Math.Log(1e8) - v0[nt + p]) / scale[nt + p];
        }
        double[] ToV(double[] x) => [.. x.Select((xi, j) => j < nt ? xi * scale[j] : v0[j] + xi * scale[j])];
        var x0 = v0.Select((vj, j) => j < nt ? vj / scale[j] : 0).ToArray();
        var settings = o.Optimizer ?? new OptimizerSettings { MaxEvaluations = GlmmFitter.DefaultMaxEvaluations };
        // Stage 1: coarse, in the start's units (a refit's warm start skips it and whitens by the original fit's Hessian).
        OptimizerResult opt;
        double[] v, g;
        double[]? h;
        double d;
        int e;
        if (warm is null)
        {
            opt = BoundedTrustRegion.Minimize(x => D(ToV(x)), x0, 2.0, 0.05, lower, upper, settings);
            evals += opt.Evaluations;
            Diagnostics.StageTrace.Mark($"{name} stage 1 done ({opt.Evaluations} evaluations)");
            v = ToV(opt.X);
            d = D(v);
            evals++;
            // Stage 2: in whitened units x = L'(v − v₁), H = LL' the finite-difference Hessian at stage 1's end, where D is
            // about ½‖x‖² + linear, started with that curvature; without a positive-definite H, in stage 1's units again.
            (g, h, e) = FiniteDifferences.Derivatives(D, v, d, withHessian: true);
            evals += e;
        }
        else
        {
            opt = new OptimizerResult(x0, d0, 0, true, "warm start");
            (v, d, g, h) = ((double[])v0.Clone(), d0, [], warm.Hessian);
        }
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
        // A refit whitened by the original Hessian first tries quasi-Newton steps from B = I (the Hessian there ≈ I), with
        // forward-difference gradients: n + 1 evaluations a step, a few steps to the replicate's optimum.
        var (chord, chordEvals) = warm is not null && chol is not null ? QuasiNewton(x => D(toV2(x)), nv, warm.RhoEnd) : (null, 0);
        if (chord is null) evals += chordEvals;
        var opt2 = chord ?? BoundedTrustRegion.Minimize(x => D(toV2(x)), start2, chol is null ? 0.05 : warm is null ? 0.5 : 1.0, warm?.RhoEnd ?? 1e-4,
            lower2, upper2, settings, model2);
        evals += opt2.Evaluations;
        var v2 = toV2(opt2.X);
        double d2 = D(v2);
        evals++;
        if (d2 <= d) (v, d) = (v2, d2);
        Diagnostics.StageTrace.Mark($"{name} stage 2 done ({opt2.Evaluations} evaluations)");
        opt = opt2 with { Evaluations = evals };
        cov.Canonicalize(v.AsSpan(0, nt));
        // The derivatives at the optimum (standard errors and lme4's convergence check), unless a refit skips them.
        g = [];
        h = null;
        if (o.HessianStandardErrors ?? true)
        {
            (g, h, e) = FiniteDifferences.Derivatives(D, v, d, withHessian: true);
            evals += e;
        }
        Diagnostics.StageTrace.Mark($"{name} derivatives done ({evals} evaluations in all)");
        D(v); // leaves û at v̂ in the evaluator
        var theta = cov.ToTheta(v.AsSpan(0, nt));
        var beta = v[nt..(nt + p)];
        bool hasDispersion = frame.Family.IsNegativeBinomial || frame.Family.Family is FamilyId.Gamma or FamilyId.Beta or FamilyId.Tweedie;
        double? dispersion = hasDispersion ? Math.Exp(v[nt + p]) : null;
        double? power = frame.Family.Family == FamilyId.Tweedie ? 1 + 1 / (1 + Math.Exp(-v[nt + p + 1])) : null;
        bool singular = cov.IsBoundary(v);
        var u = (double[])lap.Modes.Clone();
        var family = Family.For(frame.Family, dispersion, power);
        var fs = FinalState.Compute(prob, theta, beta, u, 1.0, family);
        var seRx = Enumerable.Range(0, p).Select(j => Math.Sqrt(fs.VcovRX[j * p + j])).ToArray();
        var vcovH = h is null ? null : CovarianceBlock(h, nv, nt, p);
        var seH = vcovH is null ? null : Enumerable.Range(0, p).Select(j => Math.Sqrt(vcovH[j * p + j])).ToArray();
        var checks = Checks(opt, g, h, singular);
        var result = Assemble(frame, prob, fs, u, "Laplace", 1, theta, beta, null, seH ?? seRx, seH is null ? "rx" : "hessian",
            seH, -d / 2, nv, new ConvergenceReport(checks.Converged, $"bounded trust region (BOBYQA-class) over [θ, β, {string.Join(", ", rows.ExtraNames)}], twice",
                evals, sw.Elapsed.TotalSeconds, checks.MaxGradient, checks.PositiveDefinite, singular, checks.Messages, v0, v));
        ZeroInflationEstimates? zi = null;
        if (o.ZeroInflation is { } design)
        {
            int first = nt + p + (ne - design.Names.Length), pz = design.Names.Length;
            var block = h is null ? null : CovarianceBlock(h, nv, first, pz);
            var se = Enumerable.Range(0, pz).Select(j => block is null ? double.NaN : Math.Sqrt(block[j * pz + j])).ToArray();
            zi = new ZeroInflationEstimates(design.Formula, design.Names, v[first..(first + pz)], se, design);
        }
        result = result with
        {
            DevianceHessian = h,
            CovarianceStructures = StructureReport(frame, cov, v[..nt], 1),
            Dispersion = dispersion,
            Power = power,
            DispersionKind = frame.Family.Untruncated switch
            {
                FamilyId.NegativeBinomial2 => "nbinom2 size k (Var = μ + μ²/k; glmmTMB's sigma()), maximum likelihood",
                FamilyId.NegativeBinomial1 => "nbinom1 φ (Var = μ(1 + φ); glmmTMB's sigma()), maximum likelihood",
                FamilyId.Gamma => "Gamma φ (Var = φμ²; glmmTMB's sigma() is √φ), maximum likelihood",
                FamilyId.Beta => "beta precision φ (Var = μ(1 − μ)/(1 + φ); glmmTMB's sigma()), maximum likelihood",
                FamilyId.Tweedie => "Tweedie φ (Var = φμ^p; glmmTMB's sigma()), maximum likelihood with the power p",
                _ => null,
            },
            LaplaceInformation = info == LaplaceInformation.Observed ? "observed" : "expected",
            Rows = new FitRows(prob, fs.Factors, beta, u, 1, family, zi?.ZeroProbabilities() ?? (frame.Family.IsTruncated ? new double[prob.N] : null),
                hurdle: frame.Family.IsTruncated),
            ZeroInflation = zi,
            DevianceResidualSum = zi is null && !frame.Family.IsTruncated ? fs.DevianceSum : double.NaN,
        };
        return vcovH is null ? result : result with { BetaCovariance = vcovH };
    }

    /// <summary>
    /// The rows' likelihood, the extra parameters' start and the β start: the negative binomial GLM (nbinom2), or the
    /// Poisson GLM (nbinom1, with φ from its overdispersion Σw[(y − μ)² − μ]/Σwμ, at least 0.05; poisson); with zero
    /// inflation, γ's intercept at logit of the share of zeros the GLM leaves unexplained (between 0.01 and 0.9), the rest 0.
    /// </summary>
    private static (ICountRows Rows, double[] Extra, (double[] Beta, double[] Se) Start) CountModel(GlmmProblem prob, ZeroInflationDesign? zi,
        bool needStart = true)
    {
        if (!needStart)
        {
            // A warm start brings its own values: only the rows' likelihood is needed.
            ICountRows count = prob.Family.Untruncated switch
            {
                FamilyId.NegativeBinomial2 => new NegativeBinomial2Rows(prob.Y, prob.Weights),
                FamilyId.NegativeBinomial1 => new NegativeBinomial1Rows(prob.Y, prob.Weights),
                FamilyId.Gamma => new GammaRows(prob.Y, prob.Weights),
                FamilyId.Beta => new BetaRows(prob.Y, prob.Weights),
                FamilyId.Tweedie => new TweedieRows(prob.Y, prob.Weights),
                _ => new PoissonRows(prob.Y, prob.Weights),
            };
            var all = Wrap(count, prob, zi);
            return (all, new double[all.ExtraNames.Count], ([.. new double[prob.P]], [.. Enumerable.Repeat(1.0, prob.P)]));
        }
        ICountRows rows;
        double[] extra;
        double[] beta, se;
        Func<double, double> p0;
        switch (prob.Family.Untruncated)
        {
            case FamilyId.Beta:
            {
                // β by weighted least squares of logit(y) on X; φ by the moments: Var y = μ(1 − μ)/(1 + φ).
                (beta, se) = LogitLeastSquares(prob);
                double num = 0, den = 0;
                for (int i = 0; i < prob.N; i++)
                {
                    double mu = 1 / (1 + Math.Exp(-NegativeBinomialGlm.Eta(prob, beta, i))), r = prob.Y[i] - mu;
                    num += prob.Weights[i] * mu * (1 - mu);
                    den += prob.Weights[i] * r * r;
                }
                double phi = Math.Clamp(num / Math.Max(den, 1e-300) - 1, 0.5, 1e6);
                (rows, extra) = (new BetaRows(prob.Y, prob.Weights), [Math.Log(phi)]);
                p0 = _ => 0;
                break;
            }
            case FamilyId.NegativeBinomial2:
            {
                var (b, k, s) = NegativeBinomialGlm.Fit(prob);
                (beta, se, rows, extra) = (b, s, new NegativeBinomial2Rows(prob.Y, prob.Weights), [Math.Log(k)]);
                p0 = mu => Math.Exp(-k * StableMath.Log1p(mu / k));
                break;
            }
            default:
            {
                var (b, _, s) = NegativeBinomialGlm.Fit(prob, fixedK: 1e8);
                (beta, se) = (b, s);
                if (prob.Family.Family == FamilyId.Tweedie)
                {
                    // φ from Var = φμ^p at p = 1.5 (the power starts at logit(0.5) = 0).
                    double sum = 0, wsum = 0;
                    for (int i = 0; i < prob.N; i++)
                    {
                        double mu = Math.Exp(NegativeBinomialGlm.Eta(prob, beta, i)), r = prob.Y[i] - mu;
                        sum += prob.Weights[i] * r * r / Math.Pow(mu, 1.5);
                        wsum += prob.Weights[i];
                    }
                    (rows, extra) = (new TweedieRows(prob.Y, prob.Weights), [Math.Log(Math.Max(1e-6, sum / wsum)), 0]);
                    p0 = _ => 0;
                }
                else if (prob.Family.Family == FamilyId.Gamma)
                {
                    // φ from the log-linear start's squared relative residuals.
                    double sum = 0, wsum = 0;
                    for (int i = 0; i < prob.N; i++)
                    {
                        double mu = Math.Exp(NegativeBinomialGlm.Eta(prob, beta, i)), r = (prob.Y[i] - mu) / mu;
                        sum += prob.Weights[i] * r * r;
                        wsum += prob.Weights[i];
                    }
                    (rows, extra) = (new GammaRows(prob.Y, prob.Weights), [Math.Log(Math.Max(1e-6, sum / wsum))]);
                    p0 = _ => 0;
                }
                else if (prob.Family.Untruncated == FamilyId.NegativeBinomial1)
                {
                    double num = 0, den = 0;
                    for (int i = 0; i < prob.N; i++)
                    {
                        double mu = Math.Exp(NegativeBinomialGlm.Eta(prob, beta, i)), r = prob.Y[i] - mu;
                        num += prob.Weights[i] * (r * r - mu);
                        den += prob.Weights[i] * mu;
                    }
                    double phi = Math.Max(0.05, num / den);
                    (rows, extra) = (new NegativeBinomial1Rows(prob.Y, prob.Weights), [Math.Log(phi)]);
                    p0 = mu => Math.Exp(-mu / phi * StableMath.Log1p(phi));
                }
                else
                {
                    (rows, extra) = (new PoissonRows(prob.Y, prob.Weights), []);
                    p0 = mu => Math.Exp(-mu);
                }
                break;
            }
        }
        if (zi is null) return (Wrap(rows, prob, null), extra, (beta, se));
        double zeros = 0, expected = 0, total = 0;
        for (int i = 0; i < prob.N; i++)
        {
            double w = prob.Weights[i];
            total += w;
            if (prob.Y[i] == 0) zeros += w;
            expected += w * p0(Math.Exp(NegativeBinomialGlm.Eta(prob, beta, i)));
        }
        // A hurdle's zero model is the probability of a zero itself; zero inflation's the zeros beyond the count model's.
        double pi0 = prob.Family.IsTruncated ? Math.Clamp(zeros / total, 0.01, 0.99) : Math.Clamp((zeros - expected) / total, 0.01, 0.9);
        var gamma = new double[zi.Names.Length];
        int intercept = Array.IndexOf(zi.Names, "(Intercept)");
        if (intercept >= 0) gamma[intercept] = Math.Log(pi0 / (1 - pi0));
        return (Wrap(rows, prob, zi), [.. extra, .. gamma], (beta, se));
    }

    /// <summary>β̂ of logit(y) on X by weighted least squares, and its standard errors from (X'WX)⁻¹ (a beta model's start).</summary>
    private static (double[] Beta, double[] Se) LogitLeastSquares(GlmmProblem prob)
    {
        int n = prob.N, p = prob.P;
        var xtx = new double[p * p];
        var xtz = new double[p];
        for (int i = 0; i < n; i++)
        {
            double w = prob.Weights[i], z = Math.Log(prob.Y[i] / (1 - prob.Y[i])) - prob.Offset[i];
            for (int j = 0; j < p; j++)
            {
                double xw = prob.X[(long)j * n + i] * w;
                xtz[j] += xw * z;
                for (int c = 0; c < p; c++) xtx[c * p + j] += xw * prob.X[(long)c * n + i];
            }
        }
        if (!Linalg.DenseCholesky.Factor(xtx, p)) throw new NumericalFailureException("X'WX of the beta model's start is not positive definite");
        Linalg.DenseCholesky.SolveLower(xtx, p, xtz);
        Linalg.DenseCholesky.SolveUpperTransposed(xtx, p, xtz);
        var se = new double[p];
        for (int j = 0; j < p; j++)
        {
            var col = new double[p];
            col[j] = 1;
            Linalg.DenseCholesky.SolveLower(xtx, p, col);
            se[j] = Math.Max(1e-8, Math.Sqrt(col.Sum(c => c * c)));
        }
        return (xtz, se);
    }

    /// <summary>The count model truncated for a truncated family, then with zero inflation or a hurdle's zero model.</summary>
    private static ICountRows Wrap(ICountRows count, GlmmProblem prob, ZeroInflationDesign? zi)
    {
        if (prob.Family.IsTruncated)
        {
            var truncated = new TruncatedRows(count);
            return zi is null ? truncated : new HurdleRows(truncated, prob.Y, prob.Weights, zi.X, zi.Names);
        }
        return zi is null ? count : new ZeroInflatedRows(count, prob.Y, prob.Weights, zi.X, zi.Names);
    }

    /// <summary>
    /// Minimizes f over x ∈ ℝⁿ from 0 where f's Hessian is about I (x in whitened units): quasi-Newton steps
    /// s = −B⁻¹g with B⁻¹ started at I and updated by BFGS, g by forward differences (step 10⁻³), each step halved up to
    /// five times until f decreases, until the full step's length is at most <paramref name="tolerance"/> and the gradient's at
    /// most five times that (at most twenty steps).
    /// Returns null when it does not get there (the caller falls back to the trust-region method), with the evaluations spent.
    /// </summary>
    private static (OptimizerResult? Result, int Evaluations) QuasiNewton(Func<double[], double> f, int n, double tolerance)
    {
        const double h = 1e-3;
        var x = new double[n];
        double fx = f(x);
        int evals = 1;
        double[] Gradient(double[] at, double fat)
        {
            var g = new double[n];
            for (int j = 0; j < n; j++)
            {
                var xp = (double[])at.Clone();
                xp[j] += h;
                g[j] = (f(xp) - fat) / h;
            }
            evals += n;
            return g;
        }
        var grad = Gradient(x, fx);
        var inv = new double[n * n];
        for (int j = 0; j < n; j++) inv[j * n + j] = 1;
        for (int iter = 0; iter < 20; iter++)
        {
            var dir = new double[n];
            for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) dir[a] -= inv[a * n + b] * grad[b];
            double len = Math.Sqrt(dir.Sum(v => v * v));
            if (!double.IsFinite(len)) return (null, evals);
            // Converged when the step and the gradient are both small (a collapsed B⁻¹ alone could fake a short step).
            double gnorm = Math.Sqrt(grad.Sum(v => v * v));
            if (len <= tolerance && gnorm <= 5 * tolerance)
                return (new OptimizerResult(x, fx, evals, true, $"converged: quasi-Newton step {len:G2} ≤ {tolerance:G2}"), evals);
            double t = 1, ft = double.NaN;
            double[] xt = x;
            for (int half = 0; half <= 5; half++, t /= 2)
            {
                xt = x.Select((v, j) => v + t * dir[j]).ToArray();
                ft = f(xt);
                evals++;
                if (ft < fx) break;
            }
            if (!(ft < fx)) return (null, evals);
            var gt = Gradient(xt, ft);
            var sv = xt.Select((v, j) => v - x[j]).ToArray();
            var yv = gt.Select((v, j) => v - grad[j]).ToArray();
            double sy = sv.Zip(yv, (a, b) => a * b).Sum();
            (x, fx, grad) = (xt, ft, gt);
            // Convergence is judged on the next full step (a halved one says nothing about the distance left).
            if (!(sy > 1e-12)) continue;
            // B⁻¹ ← (I − ρsy')B⁻¹(I − ρys') + ρss', ρ = 1/(y's).
            double rho = 1 / sy;
            var hy = new double[n];
            for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) hy[a] += inv[a * n + b] * yv[b];
            double yhy = yv.Zip(hy, (a, b) => a * b).Sum();
            for (int a = 0; a < n; a++)
                for (int b = 0; b < n; b++)
                    inv[a * n + b] += -rho * (sv[a] * hy[b] + hy[a] * sv[b]) + (rho * rho * yhy + rho) * sv[a] * sv[b];
        }
        return (null, evals);
    }

    private static double[] With(double[] v, int j, double delta)
    {
        var w = (double[])v.Clone();
        w[j] += delta;
        return w;
    }

    /// <summary>
    /// True when <paramref name="fit"/> came from <see cref="FitCounts"/> (glmmTMB's families, zero inflation, glmmTMB's
    /// Gamma), which sets its Laplace information: its refits go through <see cref="RefitCounts"/>.
    /// </summary>
    internal static bool IsCountFit(FitResult fit) => fit.LaplaceInformation is not null;

    /// <summary>
    /// A replicate of a count fit refitted from the original optimum, in the units its Hessian whitens, to
    /// <paramref name="tolerance"/> (whitened units), with the original's Laplace information and zero model and without
    /// the final Hessian (a bootstrap's or a parametric-bootstrap test's refit).
    /// </summary>
    internal static FitResult RefitCounts(ModelFrame replicate, FitResult original, double tolerance)
    {
        var start = original.DevianceHessian is { } h ? new CountWarmStart(original.Convergence.FinalParameters, h, tolerance) : null;
        return Fit(replicate, new FitOptions
        {
            Laplace = original.LaplaceInformation == "expected" ? LaplaceInformation.Expected : LaplaceInformation.Observed,
            HessianStandardErrors = false,
            ZeroInflation = original.ZeroInflation?.Design,
            CountStart = start,
        });
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

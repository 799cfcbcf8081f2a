using FastGlmm.Backends.Cpu;
using FastGlmm.Data.Frame;
using FastGlmm.Likelihood;
using FastGlmm.Linalg;
using FastGlmm.Model;
using FastGlmm.Optimization;

namespace FastGlmm.MonteCarlo;

/// <summary>One centring of the importance densities and the optimization that followed.</summary>
/// <param name="CentreTheta">θ the densities were centred at (diagonal floored).</param>
/// <param name="CentreBeta">β they were centred at.</param>
/// <param name="Optimizer">The Newton trust-region record.</param>
/// <param name="MinEffectiveSampleSize">The smallest block ESS at the round's optimum.</param>
public sealed record McmlRound(double[] CentreTheta, double[] CentreBeta, NewtonResult Optimizer, double MinEffectiveSampleSize);

/// <summary>A Monte Carlo maximum-likelihood fit in the optimizer's parameters ψ = (β, M).</summary>
/// <param name="Theta">θ̂ = M̂⁻¹ (lme4's layout).</param>
/// <param name="Beta">β̂.</param>
/// <param name="Psi">ψ̂.</param>
/// <param name="Final">The MCLA and its derivatives at ψ̂.</param>
/// <param name="Rounds">Each centring, the last one giving the estimates.</param>
/// <param name="Covariance">(−∇²ℓ_m)⁻¹ in ψ (d × d row-major; NaN when not negative definite).</param>
/// <param name="MonteCarloCovariance">H⁻¹ V H⁻¹ in ψ, V = Σ_b V_b: the Monte Carlo error of ψ̂.</param>
/// <param name="Design">The block layout.</param>
/// <param name="Backend">The backend's name.</param>
public sealed record McmlFit(double[] Theta, double[] Beta, double[] Psi, McmlEvaluation Final, IReadOnlyList<McmlRound> Rounds,
    double[] Covariance, double[] MonteCarloCovariance, ImportanceDesign Design, string Backend)
{
    /// <summary>True when the last optimization converged and −∇²ℓ_m is positive definite.</summary>
    public bool Converged => Rounds[^1].Optimizer.Converged && !double.IsNaN(Covariance[0]);

    /// <summary>MCLA evaluations over all rounds.</summary>
    public int Evaluations => Rounds.Sum(r => r.Optimizer.Evaluations);
}

/// <summary>
/// Monte Carlo maximum likelihood: from a start (the Laplace estimates), centre per-block importance densities
/// (<see cref="ProposalBuilder"/>), draw once (<see cref="ImportanceSample"/>), maximize the MCLA over ψ = (β, M)
/// with <see cref="NewtonTrustRegion"/>, and re-centre with fresh draws while the estimates move far from the
/// centre (<see cref="McmlOptions.MaxRecentrings"/>).
/// </summary>
public static class McmlFitter
{
    /// <summary>
    /// Fits from (θ₀, β₀), usually the Laplace estimates, with the importance weights evaluated by
    /// <paramref name="backend"/> (null: the CPU).
    /// </summary>
    public static McmlFit Fit(GlmmProblem problem, double[] theta0, double[] beta0, McmlOptions options,
        Backends.ImportanceBackendFactory? backend = null)
    {
        options.Check();
        ConditionalLogLikelihood.CheckSupported(problem.Family);
        var design = new ImportanceDesign(problem);
        var layout = problem.Layout;
        int p = problem.P, nt = layout.Count, d = p + nt;
        var rounds = new List<McmlRound>();
        double[] centreTheta = theta0, centreBeta = beta0;
        for (int round = 0; ; round++)
        {
            var (proposals, floored) = ProposalBuilder.Build(design, centreTheta, centreBeta, options.Mixture);
            var sample = new ImportanceSample(design, proposals, options.DrawsPerBlock, options.Seed, round);
            using var engine = (backend ?? CpuImportanceBackend.Create)(sample);
            var mcla = new McmlLikelihood(design, engine);
            var start = centreBeta.Concat(PrecisionFactor.FromTheta(layout, floored)).ToArray();
            // The optimizer returns one of the points it evaluated: keep each evaluation (a few per fit) so the
            // final one, with its Monte Carlo covariance and ESS, is not computed again.
            var evaluated = new Dictionary<double[], McmlEvaluation>(ReferenceEqualityComparer.Instance);
            SecondOrderPoint F(double[] psi)
            {
                var e = evaluated[psi] = mcla.Evaluate(psi);
                return new SecondOrderPoint(e.LogLik, e.Gradient, e.Hessian);
            }
            var opt = NewtonTrustRegion.Maximize(F, start, stop: psi => AtBoundary(layout, psi.AsSpan(p)));
            var final = evaluated.TryGetValue(opt.X, out var known) ? known : mcla.Evaluate(opt.X);
            rounds.Add(new McmlRound(floored, centreBeta, opt, final.EffectiveSampleSizes.Min()));
            var beta = opt.X[..p];
            var theta = PrecisionFactor.ToTheta(layout, opt.X.AsSpan(p));
            var cov = NegativeInverse(final.Hessian, d);
            bool far = false;
            for (int k = 0; k < nt; k++)
                if (layout.IsDiagonal(k))
                {
                    double now = Math.Max(theta[k], ProposalBuilder.ThetaFloor), was = floored[k];
                    if (Math.Abs(now - was) > options.RecentreRelativeSd * was) far = true;
                }
            for (int j = 0; j < p; j++)
                if (!(Math.Abs(beta[j] - centreBeta[j]) <= options.RecentreBetaSe * Math.Sqrt(Math.Abs(cov[j * d + j])))) far = true;
            if (!far || round >= options.MaxRecentrings || !double.IsFinite(final.LogLik))
                return new McmlFit(theta, beta, opt.X, final, rounds, cov, Sandwich(cov, final.GradientCovariance, d), design, engine.Name);
            centreTheta = theta;
            centreBeta = beta;
        }
    }

    /// <summary>
    /// The MCLA at fixed (θ, β), with the importance densities centred there (for checks against exact
    /// likelihoods): ψ = (β, M(θ)) must have every diagonal θ positive. <paramref name="backend"/> null: the CPU.
    /// </summary>
    public static McmlEvaluation EvaluateAt(GlmmProblem problem, double[] theta, double[] beta, McmlOptions options,
        Backends.ImportanceBackendFactory? backend = null)
    {
        options.Check();
        ConditionalLogLikelihood.CheckSupported(problem.Family);
        var design = new ImportanceDesign(problem);
        var (proposals, _) = ProposalBuilder.Build(design, theta, beta, options.Mixture);
        var sample = new ImportanceSample(design, proposals, options.DrawsPerBlock, options.Seed, 0);
        using var engine = (backend ?? CpuImportanceBackend.Create)(sample);
        return new McmlLikelihood(design, engine).Evaluate(beta.Concat(PrecisionFactor.FromTheta(problem.Layout, theta)).ToArray());
    }

    /// <summary>The smallest random-effect SD (T_ii = 1/M_ii) below which the fit stops as a boundary fit.</summary>
    public const double BoundarySd = 1e-4;

    private static string? AtBoundary(ThetaLayout layout, ReadOnlySpan<double> precision)
    {
        for (int k = 0; k < layout.Count; k++)
            if (layout.IsDiagonal(k) && 1 / precision[k] < BoundarySd)
                return $"stopped at the boundary: {layout.Names[k]} fell below {BoundarySd} (a variance estimated as 0)";
        return null;
    }

    /// <summary>(−H)⁻¹ (d × d row-major), or all NaN when −H is not positive definite.</summary>
    public static double[] NegativeInverse(double[] h, int d)
    {
        var l = new double[d * d];
        for (int j = 0; j < d * d; j++) l[j] = -h[j];
        var inv = new double[d * d];
        if (!DenseCholesky.Factor(l, d))
        {
            Array.Fill(inv, double.NaN);
            return inv;
        }
        for (int j = 0; j < d; j++)
        {
            var col = inv.AsSpan(j * d, d);
            col[j] = 1;
            DenseCholesky.SolveLower(l, d, col);
            DenseCholesky.SolveUpperTransposed(l, d, col);
        }
        return inv;
    }

    /// <summary>C V C for symmetric C and V (d × d row-major).</summary>
    private static double[] Sandwich(double[] c, double[] v, int d)
    {
        var cv = new double[d * d];
        var r = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++) s += c[i * d + k] * v[k * d + j];
                cv[i * d + j] = s;
            }
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++) s += cv[i * d + k] * c[k * d + j];
                r[i * d + j] = s;
            }
        return r;
    }
}

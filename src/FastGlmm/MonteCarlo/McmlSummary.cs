using FastGlmm.Model;

namespace FastGlmm.MonteCarlo;

/// <summary>
/// Turns an <see cref="McmlFit"/> in the optimizer's ψ = (β, M) into reported quantities φ(ψ): β, then per term
/// the entries of Σ_t = T_t T_t' (T_t = M_t⁻¹; variances on the diagonal, covariances below, in θ's order), then
/// each random-effect SD √Σ_t,ii. Both covariances map by the delta method: J C J' with J = ∂φ/∂ψ by central
/// differences (φ is a smooth closed form, so the differences are accurate to about 1e-9 relative).
/// </summary>
public static class McmlSummary
{
    /// <summary>Warn when some parameter's MCSE exceeds this fraction of its SE.</summary>
    public const double McseWarningRatio = 0.1;

    /// <summary>Builds the report.</summary>
    /// <param name="fit">The fit.</param>
    /// <param name="betaNames">Fixed-effect names.</param>
    /// <param name="options">The options it ran with.</param>
    /// <param name="laplaceLogLik">The Laplace log-likelihood it started from.</param>
    public static MonteCarloReport Report(McmlFit fit, IReadOnlyList<string> betaNames, McmlOptions options, double laplaceLogLik)
    {
        var layout = fit.Design.Problem.Layout;
        int p = betaNames.Count, d = fit.Psi.Length;
        var (names, kinds) = Names(layout, betaNames);
        var phi = Transform(layout, p, fit.Psi);
        int r = phi.Length;
        var jac = new double[r * d];
        for (int j = 0; j < d; j++)
        {
            double h = 1e-6 * Math.Max(1e-2, Math.Abs(fit.Psi[j]));
            var up = (double[])fit.Psi.Clone();
            var down = (double[])fit.Psi.Clone();
            up[j] += h;
            down[j] -= h;
            var fu = Transform(layout, p, up);
            var fd = Transform(layout, p, down);
            // β maps to itself: its rows of J are exactly the identity.
            for (int i = 0; i < r; i++) jac[i * d + j] = i < p ? (i == j ? 1 : 0) : (fu[i] - fd[i]) / (2 * h);
        }
        var se = DiagonalSqrt(jac, fit.Covariance, r, d);
        var mcse = DiagonalSqrt(jac, fit.MonteCarloCovariance, r, d);
        var parameters = Enumerable.Range(0, r).Select(i => new MonteCarloParameter(names[i], kinds[i], phi[i], se[i], mcse[i])).ToList();
        var warnings = new List<string>();
        foreach (var q in parameters)
            if (q.Kind != "sd" && q.MonteCarloSe > McseWarningRatio * q.StandardError)
                warnings.Add($"Monte Carlo error is not small for {q.Name} ({q.Kind}): MCSE {q.MonteCarloSe:G3} against SE {q.StandardError:G3}; increase --m");
        var ess = fit.Final.EffectiveSampleSizes;
        var sorted = ess.Order().ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
        if (sorted[0] < 100)
            warnings.Add($"the smallest effective sample size of a block is {sorted[0]:F0} (of m = {options.DrawsPerBlock}); the importance density fits it poorly");
        var mix = options.Mixture;
        return new MonteCarloReport(options.DrawsPerBlock, options.Seed, ess.Length, (long)options.DrawsPerBlock * ess.Length,
            [mix.T, mix.Normal, mix.Prior], fit.Rounds.Count - 1, parameters, Math.Sqrt(fit.Final.LogLikVariance), ess,
            sorted[0], median, laplaceLogLik, fit.Rounds.Sum(x => x.Optimizer.Iterations), warnings);
    }

    /// <summary>φ(ψ): β, the entries of each Σ_t (θ's order), then the SDs.</summary>
    public static double[] Transform(ThetaLayout layout, int p, ReadOnlySpan<double> psi)
    {
        var theta = PrecisionFactor.ToTheta(layout, psi[p..]);
        var result = new List<double>(psi[..p].ToArray());
        var sds = new List<double>();
        for (int t = 0; t < layout.TermCount; t++)
        {
            int q = layout.Columns(t);
            var s = layout.Covariance(theta, t);
            for (int j = 0; j < q; j++)
                for (int i = j; i < q; i++) result.Add(s[j * q + i]);
            for (int i = 0; i < q; i++) sds.Add(Math.Sqrt(s[i * q + i]));
        }
        result.AddRange(sds);
        return result.ToArray();
    }

    private static (List<string> Names, List<string> Kinds) Names(ThetaLayout layout, IReadOnlyList<string> betaNames)
    {
        var names = betaNames.ToList();
        var kinds = betaNames.Select(_ => "fixed").ToList();
        var sdNames = new List<string>();
        for (int k = 0; k < layout.Count; k++)
        {
            names.Add(layout.Names[k]);
            kinds.Add(layout.IsDiagonal(k) ? "variance" : "covariance");
            if (layout.IsDiagonal(k)) sdNames.Add(layout.Names[k]);
        }
        names.AddRange(sdNames);
        kinds.AddRange(sdNames.Select(_ => "sd"));
        return (names, kinds);
    }

    private static double[] DiagonalSqrt(double[] jac, double[] cov, int r, int d)
    {
        var result = new double[r];
        for (int i = 0; i < r; i++)
        {
            double s = 0;
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) s += jac[i * d + a] * cov[a * d + b] * jac[i * d + b];
            result[i] = Math.Sqrt(Math.Max(0, s));
        }
        return result;
    }
}

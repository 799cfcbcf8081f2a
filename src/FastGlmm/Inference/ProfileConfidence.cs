using FastGlmm.Data.Frame;
using FastGlmm.Likelihood;
using FastGlmm.Model;
using FastGlmm.Optimization;

namespace FastGlmm.Inference;

/// <summary>A confidence interval for one parameter.</summary>
/// <param name="Parameter">The parameter's name as lme4's <c>confint()</c> names its rows: .sig01, .sig02, … for the
/// random-effect SDs and correlations (each term's in θ's order), .sigma for a model with a scale parameter (LMMs),
/// then the fixed effects, named as the X columns.</param>
/// <param name="Estimate">The estimate at the profile's centre (for an LMM the ML estimate, also of a REML fit); for a
/// Wald row of a variance parameter, the fit's SD, correlation or σ.</param>
/// <param name="Lower">Lower limit (the bound, e.g. 0 for an SD or −1 for a correlation, when the profile never
/// reaches the cut); NaN (lme4's NA) for a variance parameter's Wald row.</param>
/// <param name="Upper">Upper limit (the bound, e.g. 1 for a correlation, or +∞ when the profile never reaches the cut).</param>
/// <param name="Method">"profile" or "Wald".</param>
public sealed record ConfidenceInterval(string Parameter, double Estimate, double Lower, double Upper, string Method);

/// <summary>
/// Confidence intervals for mixed-model parameters. Profile: for parameter j the limits solve
/// min_{v: v_j = c} D(v) − D(v̂) = χ²₁(level) on each side, the other parameters re-optimized at every c
/// (bounded trust region, warm-started along the profile). For GLMMs D is the Laplace (or AGQ) deviance over
/// lme4's profile scale [SDs and correlations of each term, β] (<see cref="SdCorScale"/> with σ = 1; for a scalar
/// term the SD is θ itself). For LMMs D is the ML deviance over lme4's scale [SDs and correlations, σ, β]
/// (<see cref="LmmProfile"/>). Wald: β̂ ± z·SE, and no interval for the variance parameters (lme4's NA rows).
/// </summary>
public static partial class ProfileConfidence
{
    /// <summary>
    /// lme4's <c>confint(fit, method = "Wald", level)</c>: rows .sig01, … (one per θ entry: each term's SDs and
    /// correlations in θ's order) and .sigma when the fit has a scale parameter (<see cref="FitResult.Sigma"/> set),
    /// with NaN limits (lme4's NA) and the fit's SD, correlation or σ as the estimate; then per fixed effect
    /// β̂_j ± z·SE_j with z = Φ⁻¹((1 + level)/2) and SE the fit's <see cref="FitResult.BetaSe"/>.
    /// </summary>
    /// <exception cref="UserInputException"><paramref name="level"/> is not in (0, 1).</exception>
    public static IReadOnlyList<ConfidenceInterval> Wald(FitResult fit, double level = 0.95)
    {
        CheckLevel(level);
        double z = Families.StandardNormal.Quantile(0.5 + level / 2);
        var variance = SdCorEstimates(fit);
        var rows = variance.Select((v, i) => new ConfidenceInterval(i < fit.Theta.Length ? $".sig{i + 1:00}" : ".sigma", v, double.NaN, double.NaN, "Wald"));
        return rows.Concat(fit.BetaNames.Select((n, j) =>
            new ConfidenceInterval(n, fit.Beta[j], fit.Beta[j] - z * fit.BetaSe[j], fit.Beta[j] + z * fit.BetaSe[j], "Wald"))).ToList();
    }

    /// <summary>The fit's SDs and correlations in θ's order (σ²T_tT_t' per term, σ = 1 without a scale), then σ when set.</summary>
    private static double[] SdCorEstimates(FitResult fit)
    {
        double s = fit.Sigma ?? 1.0;
        var v = new List<double>(fit.Theta.Length + 1);
        int o = 0;
        foreach (var term in fit.RandomEffects)
        {
            int q = term.Columns.Count;
            // Σ = s²TT', T lower triangular from θ packed column by column.
            double Cov(int i, int k)
            {
                double sum = 0;
                for (int c = 0; c <= Math.Min(i, k); c++)
                    sum += fit.Theta[o + Model.ThetaLayout.PackedIndex(q, i, c)] * fit.Theta[o + Model.ThetaLayout.PackedIndex(q, k, c)];
                return s * s * sum;
            }
            for (int j = 0; j < q; j++)
                for (int i = j; i < q; i++)
                {
                    double sdI = Math.Sqrt(Cov(i, i)), sdJ = Math.Sqrt(Cov(j, j));
                    v.Add(i == j ? sdI : sdI > 0 && sdJ > 0 ? Cov(i, j) / (sdI * sdJ) : 0);
                }
            o += q * (q + 1) / 2;
        }
        if (fit.Sigma is { } sigma) v.Add(sigma);
        return [.. v];
    }

    /// <summary>
    /// The level must lie strictly between 0 and 1, and its two-sided normal quantile Φ⁻¹((1 + level)/2) must be finite
    /// in fp64: (1 + level)/2 &lt; 1, which holds up to level = 1 − 2⁻⁵² (0.9999999999999998).
    /// </summary>
    public static bool IsUsableLevel(double level) => level > 0 && level < 1 && (1 + level) / 2 < 1;

    private static void CheckLevel(double level)
    {
        if (!IsUsableLevel(level))
            throw new UserInputException(level > 0 && level < 1
                ? $"the confidence level {level.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} is too close to 1: its normal quantile is infinite in double precision (use at most 0.9999999999999998)"
                : $"the confidence level must lie in (0, 1), not {level.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
    }

    /// <summary>
    /// Profile intervals for every parameter of a fit, as lme4's <c>confint(fit)</c>: for a GLMM .sig01, … (each
    /// term's SDs and correlations in θ's order) and β, on the Laplace deviance (or AGQ when the fit used it); for an
    /// LMM .sig01, …, .sigma and β, on the ML deviance (a REML fit is refitted by ML first, as lme4 does; see
    /// <see cref="ProfileLmm"/>). A GLMM's SD or correlation limit that the profile does not reach before its bound
    /// is the bound (0 for an SD, ±1 for a correlation).
    /// </summary>
    /// <exception cref="UserInputException"><paramref name="level"/> is not in (0, 1).</exception>
    public static IReadOnlyList<ConfidenceInterval> Profile(ModelFrame frame, FitResult fit, double level = 0.95)
    {
        CheckLevel(level);
        return Limits(Problem(frame, fit), ChiSquaredQuantile(level));
    }

    /// <summary>The profile problem of a fit: LMMs on the ML deviance (<see cref="LmmProblem"/>), GLMMs on the Laplace or AGQ deviance.</summary>
    internal static ProfileProblem Problem(ModelFrame frame, FitResult fit)
    {
        Model.CovarianceParameters.RefuseStructured(frame, "a profile interval");
        if (frame.RandomTerms.Count == 0 && frame.Family.IsLinearMixedModel)
            throw new UserInputException("profile intervals need random effects here; for a linear model without them use --confint Wald");
        if (frame.Family.IsLinearMixedModel) return LmmProblem(frame, fit);
        if (frame.Family.IsGlmmTmbFamily)
            throw new UserInputException("profile intervals are not available for the negative binomial yet; use --confint Wald (or bootstrap)");
        int nt = fit.Theta.Length, p = fit.Beta.Length;
        var layout = new ThetaLayout(frame.RandomTerms);
        Func<double[], double> dTheta;
        if (fit.Nagq > 1)
        {
            var agq = new AgqDeviance(frame, fit.Nagq);
            dTheta = v => agq.Evaluate(v.AsSpan(0, nt), v.AsSpan(nt));
        }
        else
        {
            var lap = new LaplaceDeviance(frame);
            dTheta = v => lap.Evaluate(v.AsSpan(0, nt), v.AsSpan(nt));
        }
        // D over v = [SDs and correlations (σ = 1), β]; +∞ where the correlations are not a correlation matrix.
        double d(double[] v)
        {
            var w = new double[nt + p];
            if (!SdCorScale.TryToTheta(layout, [.. v.AsSpan(0, nt), 1.0], w)) return double.PositiveInfinity;
            v.AsSpan(nt).CopyTo(w.AsSpan(nt));
            return dTheta(w);
        }
        var vhat = SdCorScale.FromTheta(layout, fit.Theta, 1.0)[..nt].Concat(fit.Beta).ToArray();
        double dhat = d(vhat);
        var lower = SdCorScale.Lower(layout)[..nt].Concat(Enumerable.Repeat(double.NegativeInfinity, p)).ToArray();
        var upper = SdCorScale.Upper(layout)[..nt].Concat(Enumerable.Repeat(double.PositiveInfinity, p)).ToArray();
        // Step scales: β by its SE, θ by a rough SE from the curvature of D along it.
        var scale = new double[nt + p];
        for (int j = 0; j < p; j++) scale[nt + j] = fit.BetaSe[j] > 0 && double.IsFinite(fit.BetaSe[j]) ? fit.BetaSe[j] : 0.1;
        for (int i = 0; i < nt; i++)
        {
            double h = 1e-3 * Math.Max(1, Math.Abs(vhat[i]));
            if (upper[i] < double.PositiveInfinity) h = Math.Min(h, 0.5 * (upper[i] - lower[i]) * 1e-3);
            var a = (double[])vhat.Clone(); a[i] = Math.Min(a[i] + h, upper[i]);
            var b = (double[])vhat.Clone(); b[i] = Math.Max(b[i] - h, lower[i]);
            double c = (d(a) - 2 * dhat + d(b)) / (h * h);
            scale[i] = c > 0 ? Math.Sqrt(2 / c) : 0.1;
        }
        var names = SdCorScale.Names(layout)[..nt].Concat(fit.BetaNames).ToArray();
        return new ProfileProblem(names, vhat, dhat, scale, lower, upper, (start, j, c) => Profiled(d, start, j, c, scale, lower, upper), GlmmRoot);
    }

    /// <summary>Both limits of every parameter of a profile problem at the cut D − D̂ = <paramref name="cut"/>.</summary>
    internal static IReadOnlyList<ConfidenceInterval> Limits(ProfileProblem pp, double cut)
    {
        var result = new List<ConfidenceInterval>(pp.Estimate.Length);
        for (int j = 0; j < pp.Estimate.Length; j++)
        {
            double lo = Limit(pp.At, pp.Estimate, pp.MinimumDeviance, cut, j, -1, pp.Scale[j], pp.Lower[j], pp.Upper[j], pp.Root);
            double hi = Limit(pp.At, pp.Estimate, pp.MinimumDeviance, cut, j, +1, pp.Scale[j], pp.Lower[j], pp.Upper[j], pp.Root);
            result.Add(new ConfidenceInterval(pp.Names[j], pp.Estimate[j], lo, hi, "profile"));
        }
        return result;
    }

    /// <summary>The χ²₁ quantile at <paramref name="level"/>: the square of the standard normal quantile.</summary>
    public static double ChiSquaredQuantile(double level)
    {
        double z = Families.StandardNormal.Quantile(0.5 + level / 2);
        return z * z;
    }

    /// <summary>The profile deviance at v_j = c: D minimized over the other coordinates, from <paramref name="start"/>.</summary>
    private static (double Value, double[] At) Profiled(Func<double[], double> d, double[] start, int j, double c, double[] scale,
        double[] lower, double[] upper)
    {
        int n = start.Length;
        var x0 = (double[])start.Clone();
        x0[j] = c;
        // Optimize in standardized units around x0 with v_j held fixed (lower = upper = 0 in z).
        double[] Unscale(double[] z) => z.Select((zi, i) => x0[i] + scale[i] * zi).ToArray();
        var lo = Enumerable.Range(0, n).Select(i => i == j ? 0 : (double.IsNegativeInfinity(lower[i]) ? double.NegativeInfinity : (lower[i] - x0[i]) / scale[i])).ToArray();
        var hi = Enumerable.Range(0, n).Select(i => i == j ? 0 : (double.IsPositiveInfinity(upper[i]) ? double.PositiveInfinity : (upper[i] - x0[i]) / scale[i])).ToArray();
        for (int i = 0; i < n; i++) { lo[i] = Math.Min(lo[i], 0); hi[i] = Math.Max(hi[i], 0); }
        var o = BoundedTrustRegion.Minimize(z => d(Unscale(z)), new double[n], 0.5, 1e-3, lo, hi);
        return (o.F, Unscale(o.X));
    }
}

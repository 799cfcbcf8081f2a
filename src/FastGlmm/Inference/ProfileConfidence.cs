using FastGlmm.Data.Frame;
using FastGlmm.Likelihood;
using FastGlmm.Model;
using FastGlmm.Optimization;

namespace FastGlmm.Inference;

/// <summary>A confidence interval for one parameter.</summary>
/// <param name="Parameter">The parameter's name: for GLMMs the θ names as lme4's and β names as the X columns;
/// for LMMs lme4's confint names .sig01, …, .sigma, then the X columns.</param>
/// <param name="Estimate">The estimate at the profile's centre (for an LMM the ML estimate, also of a REML fit).</param>
/// <param name="Lower">Lower limit (the bound, e.g. 0 for an SD or −1 for a correlation, when the profile never
/// reaches the cut).</param>
/// <param name="Upper">Upper limit (the bound, e.g. 1 for a correlation, or +∞ when the profile never reaches the cut).</param>
/// <param name="Method">"profile" or "Wald".</param>
public sealed record ConfidenceInterval(string Parameter, double Estimate, double Lower, double Upper, string Method);

/// <summary>
/// Confidence intervals for mixed-model parameters. Profile: for parameter j the limits solve
/// min_{v: v_j = c} D(v) − D(v̂) = χ²₁(level) on each side, the other parameters re-optimized at every c
/// (bounded trust region, warm-started along the profile). For GLMMs D is the Laplace (or AGQ) deviance over
/// [θ, β]; θ of a scalar term is the random-effect SD, as lme4's <c>.sig01</c>. For LMMs D is the ML deviance
/// over lme4's scale [SDs and correlations, σ, β] (<see cref="LmmProfile"/>). Wald: β̂ ± z·SE.
/// </summary>
public static partial class ProfileConfidence
{
    /// <summary>Wald intervals for β from the fit's standard errors.</summary>
    public static IReadOnlyList<ConfidenceInterval> Wald(FitResult fit, double level = 0.95)
    {
        double z = Families.StandardNormal.Quantile(0.5 + level / 2);
        return fit.BetaNames.Select((n, j) => new ConfidenceInterval(n, fit.Beta[j], fit.Beta[j] - z * fit.BetaSe[j], fit.Beta[j] + z * fit.BetaSe[j], "Wald")).ToList();
    }

    /// <summary>
    /// Profile intervals for every parameter of a fit: for a GLMM every θ and β (Laplace, or AGQ when the fit used
    /// it); for an LMM, as lme4's <c>confint(fit)</c>, .sig01, … (SDs and correlations), .sigma and β, on the ML
    /// deviance (a REML fit is refitted by ML first, as lme4 does; see <see cref="ProfileLmm"/>).
    /// </summary>
    /// <exception cref="UserInputException"><paramref name="level"/> is not in (0, 1).</exception>
    public static IReadOnlyList<ConfidenceInterval> Profile(ModelFrame frame, FitResult fit, double level = 0.95)
    {
        if (!(level > 0 && level < 1)) throw new UserInputException($"the confidence level must lie in (0, 1), not {level}");
        if (frame.Family.IsLinearMixedModel) return ProfileLmm(frame, fit, level);
        int nt = fit.Theta.Length, p = fit.Beta.Length;
        Func<double[], double> d;
        if (fit.Nagq > 1)
        {
            var agq = new AgqDeviance(frame, fit.Nagq);
            d = v => agq.Evaluate(v.AsSpan(0, nt), v.AsSpan(nt));
        }
        else
        {
            var lap = new LaplaceDeviance(frame);
            d = v => lap.Evaluate(v.AsSpan(0, nt), v.AsSpan(nt));
        }
        var vhat = fit.Theta.Concat(fit.Beta).ToArray();
        double dhat = d(vhat);
        double cut = ChiSquaredQuantile(level);
        var layout = new ThetaLayout(frame.RandomTerms);
        var lower = layout.Lower.Concat(Enumerable.Repeat(double.NegativeInfinity, p)).ToArray();
        // Step scales: β by its SE, θ by a rough SE from the curvature of D along it.
        var scale = new double[nt + p];
        for (int j = 0; j < p; j++) scale[nt + j] = fit.BetaSe[j] > 0 && double.IsFinite(fit.BetaSe[j]) ? fit.BetaSe[j] : 0.1;
        for (int i = 0; i < nt; i++)
        {
            double h = 1e-3 * Math.Max(1, Math.Abs(vhat[i]));
            var a = (double[])vhat.Clone(); a[i] += h;
            var b = (double[])vhat.Clone(); b[i] -= h;
            double c = (d(a) - 2 * dhat + d(b)) / (h * h);
            scale[i] = c > 0 ? Math.Sqrt(2 / c) : 0.1;
        }
        var names = layout.Names.Concat(fit.BetaNames).ToArray();
        (double, double[]) Glmm(double[] start, int j, double c) => Profiled(d, start, j, c, scale, lower);
        var result = new List<ConfidenceInterval>();
        for (int j = 0; j < nt + p; j++)
        {
            double lo = Limit(Glmm, vhat, dhat, cut, j, -1, scale[j], lower[j], double.PositiveInfinity, GlmmRoot);
            double hi = Limit(Glmm, vhat, dhat, cut, j, +1, scale[j], lower[j], double.PositiveInfinity, GlmmRoot);
            result.Add(new ConfidenceInterval(names[j], vhat[j], lo, hi, "profile"));
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
    private static (double Value, double[] At) Profiled(Func<double[], double> d, double[] start, int j, double c, double[] scale, double[] lower)
    {
        int n = start.Length;
        var x0 = (double[])start.Clone();
        x0[j] = c;
        // Optimize in standardized units around x0 with v_j held fixed (lower = upper = 0 in z).
        double[] Unscale(double[] z) => z.Select((zi, i) => x0[i] + scale[i] * zi).ToArray();
        var lo = Enumerable.Range(0, n).Select(i => i == j ? 0 : (double.IsNegativeInfinity(lower[i]) ? double.NegativeInfinity : (lower[i] - x0[i]) / scale[i])).ToArray();
        var hi = Enumerable.Range(0, n).Select(i => i == j ? 0 : double.PositiveInfinity).ToArray();
        for (int i = 0; i < n; i++) lo[i] = Math.Min(lo[i], 0);
        var o = BoundedTrustRegion.Minimize(z => d(Unscale(z)), new double[n], 0.5, 1e-3, lo, hi);
        return (o.F, Unscale(o.X));
    }
}

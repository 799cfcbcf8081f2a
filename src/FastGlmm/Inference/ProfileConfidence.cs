using FastGlmm.Data.Frame;
using FastGlmm.Likelihood;
using FastGlmm.Model;
using FastGlmm.Optimization;

namespace FastGlmm.Inference;

/// <summary>A confidence interval for one parameter.</summary>
/// <param name="Parameter">The parameter's name (θ names as lme4's, β names as the X columns).</param>
/// <param name="Estimate">The estimate.</param>
/// <param name="Lower">Lower limit (the bound, e.g. 0 for an SD, when the profile never reaches the cut).</param>
/// <param name="Upper">Upper limit (+∞ when the profile never reaches the cut).</param>
/// <param name="Method">"profile" or "Wald".</param>
public sealed record ConfidenceInterval(string Parameter, double Estimate, double Lower, double Upper, string Method);

/// <summary>
/// Confidence intervals for GLMM parameters. Profile: for parameter j the limits solve
/// min_{v: v_j = c} D(v) − D(v̂) = χ²₁(level) on each side, with D the Laplace (or AGQ) deviance over
/// [θ, β] and the other parameters re-optimized at every c (bounded trust region, warm-started along
/// the profile); θ of a scalar term is the random-effect SD, as lme4's <c>.sig01</c>. Wald: β̂ ± z·SE.
/// </summary>
public static class ProfileConfidence
{
    /// <summary>Wald intervals for β from the fit's standard errors.</summary>
    public static IReadOnlyList<ConfidenceInterval> Wald(FitResult fit, double level = 0.95)
    {
        double z = Families.StandardNormal.Quantile(0.5 + level / 2);
        return fit.BetaNames.Select((n, j) => new ConfidenceInterval(n, fit.Beta[j], fit.Beta[j] - z * fit.BetaSe[j], fit.Beta[j] + z * fit.BetaSe[j], "Wald")).ToList();
    }

    /// <summary>Profile intervals for every θ and β of a GLMM fit (Laplace, or AGQ when the fit used it).</summary>
    public static IReadOnlyList<ConfidenceInterval> Profile(ModelFrame frame, FitResult fit, double level = 0.95)
    {
        if (frame.Family.IsLinearMixedModel)
            throw new UserInputException("profile intervals are available for GLMMs; for linear mixed models use Wald intervals for now");
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
        var result = new List<ConfidenceInterval>();
        for (int j = 0; j < nt + p; j++)
        {
            double lo = Limit(d, vhat, dhat, cut, j, -1, scale, lower);
            double hi = Limit(d, vhat, dhat, cut, j, +1, scale, lower);
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

    /// <summary>
    /// Walks from the estimate in direction <paramref name="dir"/> in steps of the parameter's scale until the
    /// profile exceeds the cut, then solves for the crossing on √(profile) by the secant/bisection method.
    /// </summary>
    private static double Limit(Func<double[], double> d, double[] vhat, double dhat, double cut, int j, int dir, double[] scale, double[] lower)
    {
        double target = Math.Sqrt(cut);
        double prevC = vhat[j], prevS = 0;
        var start = vhat;
        for (int k = 1; k <= 12; k++)
        {
            double c = vhat[j] + dir * k * 0.75 * scale[j];
            bool atBound = false;
            if (c < lower[j]) { c = lower[j]; atBound = true; }
            var (val, at) = Profiled(d, start, j, c, scale, lower);
            double s = Math.Sqrt(Math.Max(0, val - dhat));
            if (s >= target)
            {
                // Secant on s(c) between (prevC, prevS) and (c, s), refined twice.
                double a = prevC, fa = prevS - target, b = c, fb = s - target;
                for (int it = 0; it < 6 && Math.Abs(b - a) > 1e-6 * scale[j]; it++)
                {
                    double m = fb != fa ? b - fb * (b - a) / (fb - fa) : (a + b) / 2;
                    if (m <= Math.Min(a, b) || m >= Math.Max(a, b)) m = (a + b) / 2;
                    var (vm, atm) = Profiled(d, at, j, m, scale, lower);
                    double fm = Math.Sqrt(Math.Max(0, vm - dhat)) - target;
                    if (Math.Sign(fm) == Math.Sign(fa)) { a = m; fa = fm; } else { b = m; fb = fm; }
                    at = atm;
                }
                return fa == fb ? (a + b) / 2 : a - fa * (b - a) / (fb - fa);
            }
            if (atBound) return lower[j];
            prevC = c; prevS = s; start = at;
        }
        return dir < 0 ? double.NegativeInfinity : double.PositiveInfinity;
    }
}

using FastGlmm.Data.Frame;
using FastGlmm.Model;

namespace FastGlmm.Inference;

/// <summary>
/// A fit's profile problem on lme4's profile scale: the parameter names (.sig01, …, [.sigma,] β), the estimate v̂ and
/// the minimum deviance D̂, per-coordinate step scales and bounds, the profile D_j(c) = min_{v: v_j = c} D(v) and the
/// settings of the root search for a limit.
/// </summary>
internal sealed record ProfileProblem(string[] Names, double[] Estimate, double MinimumDeviance, double[] Scale,
    double[] Lower, double[] Upper, ProfileConfidence.ProfileAt At, ProfileConfidence.RootSettings Root);

/// <summary>One point of a profile: the parameter's value c and ζ(c) = sign(c − v̂_j)·√(D_j(c) − D̂).</summary>
public readonly record struct ProfilePoint(double Value, double Zeta);

/// <summary>
/// The ζ profile of one parameter, as lme4's <c>profile()</c> tabulates it for <c>xyplot(profile(fit))</c>: points
/// (c, ζ(c)) in increasing c, the estimate (ζ = 0) among them, and the profile confidence limits at the level asked
/// for (ζ = ±Φ⁻¹((1 + level)/2)); a limit is a bound (0 for an SD, ±1 for a correlation), ±∞ or NaN as in
/// <see cref="ConfidenceInterval"/>.
/// </summary>
public sealed record ParameterProfile(string Parameter, double Estimate, double Lower, double Upper, IReadOnlyList<ProfilePoint> Points);

public static partial class ProfileConfidence
{
    /// <summary>
    /// ζ profiles of every parameter (lme4's <c>profile(fit)</c>, for LMMs on the ML deviance over [SDs, correlations,
    /// σ, β], for GLMMs on the Laplace or AGQ deviance over [SDs, correlations, β]). Per parameter j and side, the
    /// profile is evaluated at <paramref name="pointsPerSide"/> equally spaced values from v̂_j to 1.25 times the
    /// distance to that side's limit (or to the bound, whichever is nearer; 3 step scales where the limit is infinite or
    /// NaN), each inner optimization warm-started from the previous point; a side stops early where the deviance
    /// cannot be computed.
    /// </summary>
    /// <exception cref="UserInputException">The level is not in (0, 1), or the model cannot be profiled.</exception>
    public static IReadOnlyList<ParameterProfile> Trace(ModelFrame frame, FitResult fit, double level = 0.95, int pointsPerSide = 8)
    {
        CheckLevel(level);
        if (pointsPerSide < 1) throw new UserInputException($"the profile needs at least one point per side (got {pointsPerSide})");
        var pp = Problem(frame, fit);
        var limits = Limits(pp, ChiSquaredQuantile(level));
        var traces = new List<ParameterProfile>(pp.Names.Length);
        for (int j = 0; j < pp.Names.Length; j++)
        {
            var points = new List<ProfilePoint> { new(pp.Estimate[j], 0) };
            Side(pp, j, -1, limits[j].Lower, pointsPerSide, points);
            Side(pp, j, +1, limits[j].Upper, pointsPerSide, points);
            points.Sort((a, b) => a.Value.CompareTo(b.Value));
            traces.Add(new ParameterProfile(pp.Names[j], pp.Estimate[j], limits[j].Lower, limits[j].Upper, points));
        }
        return traces;
    }

    private static void Side(ProfileProblem pp, int j, int dir, double limit, int k, List<ProfilePoint> points)
    {
        double vhat = pp.Estimate[j], bound = dir < 0 ? pp.Lower[j] : pp.Upper[j];
        double span = double.IsFinite(limit) && limit != vhat ? 1.25 * Math.Abs(limit - vhat) : 3 * pp.Scale[j];
        if (double.IsFinite(bound)) span = Math.Min(span, Math.Abs(bound - vhat));
        if (!(span > 0)) return;
        var start = pp.Estimate;
        for (int i = 1; i <= k; i++)
        {
            double c = vhat + dir * span * i / k;
            try
            {
                var (zeta, at) = ZetaAt(pp, j, c, start);
                if (!double.IsFinite(zeta)) return;
                points.Add(new ProfilePoint(c, zeta));
                start = at;
            }
            catch (Likelihood.NumericalFailureException)
            {
                return;
            }
        }
    }

    /// <summary>ζ(c) = sign(c − v̂_j)·√max(0, D_j(c) − D̂) and the minimizing vector, the profile searched from <paramref name="start"/>.</summary>
    internal static (double Zeta, double[] At) ZetaAt(ProfileProblem pp, int j, double c, double[] start)
    {
        var (d, at) = pp.At(start, j, c);
        return (Math.Sign(c - pp.Estimate[j]) * Math.Sqrt(Math.Max(0, d - pp.MinimumDeviance)), at);
    }
}

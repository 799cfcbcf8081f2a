using FastGlmm.Data.Frame;
using FastGlmm.Model;

namespace FastGlmm.Inference;

public static partial class ProfileConfidence
{
    /// <summary>
    /// LMMs: the ML profile is cheap and smooth (its inner optimum is known to about 1e-12 in D), so each limit is
    /// solved to |ζ − z| ≤ 1e-9, i.e. D(limit) − D̂ within 4e-9 of the cut.
    /// </summary>
    internal static readonly RootSettings LmmRoot = new(1e-9, 1e-12, 60);

    /// <summary>
    /// Profile intervals of a linear mixed model, as lme4's <c>confint(fit, method = "profile")</c>: rows .sig01, …
    /// (each term's SDs and correlations in θ's order), .sigma, then the fixed effects. The deviance is the ML
    /// deviance over [SDs, correlations, σ, β] (<see cref="LmmProfile"/>); a REML fit is refitted by ML from its θ̂
    /// first, as lme4's profile does, so a REML fit and the ML fit of the same model have the same intervals.
    /// Each limit is a root of ζ(c) = ±z_{(1+level)/2}, solved directly rather than read off an interpolating
    /// spline through profile points as lme4 does (the two agree to lme4's spline error, up to about 5e-5 relative).
    /// A profile that stays below the cut up to a bound gives the bound (0 for an SD, ±1 for a correlation).
    /// </summary>
    /// <exception cref="UserInputException">The level is not in (0, 1), or a profile finds an ML deviance more than
    /// 1e-6 below the ML fit's (the fit is not at the optimum; lme4 stops likewise).</exception>
    public static IReadOnlyList<ConfidenceInterval> ProfileLmm(ModelFrame frame, FitResult fit, double level = 0.95)
    {
        CheckLevel(level);
        return Limits(LmmProblem(frame, fit), ChiSquaredQuantile(level));
    }

    /// <summary>The LMM's profile problem on the ML deviance over [SDs, correlations, σ, β] (<see cref="LmmProfile"/>).</summary>
    /// <exception cref="UserInputException">A profile finds an ML deviance more than 1e-6 below the ML fit's.</exception>
    internal static ProfileProblem LmmProblem(ModelFrame frame, FitResult fit)
    {
        var lp = new LmmProfile(frame, fit.Theta);
        double dhat = lp.MinimumDeviance;
        (double, double[]) Profile(double[] start, int j, double c)
        {
            var (d, at) = lp.Profile(j, c, start);
            // As lme4's profile: a clearly lower deviance means the ML fit is not the optimum, and no limit is valid.
            if (d < dhat - 1e-6)
                throw new UserInputException($"profiling {lp.Names[j]} found an ML deviance {dhat - d:G3} below the fit's at " +
                    $"{lp.Names[j]} = {c:G6}: the ML fit has not converged, so its profile intervals would be wrong");
            return (d, at);
        }
        return new ProfileProblem([.. lp.Names], lp.Estimate, dhat, lp.Scale, lp.Lower, lp.Upper, Profile, LmmRoot);
    }
}

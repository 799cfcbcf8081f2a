namespace FastGlmm.Inference;

public static partial class ProfileConfidence
{
    /// <summary>
    /// A profile: the objective minimized over every coordinate but j, with v_j = c, searched from
    /// <c>start</c> (a full parameter vector); returns the minimum and the full minimizing vector.
    /// </summary>
    internal delegate (double Value, double[] At) ProfileAt(double[] start, int j, double c);

    /// <summary>
    /// When the search for a limit stops: |ζ(c) − z| ≤ <paramref name="ZetaTolerance"/> at an evaluated c (ζ the
    /// signed root of the deviance increase, z = √cut), or the bracket is narrower than
    /// <paramref name="BracketTolerance"/> parameter units (times its scale), or after
    /// <paramref name="MaxIterations"/> refinements; in the last two cases the limit is the secant point of the bracket.
    /// </summary>
    internal sealed record RootSettings(double ZetaTolerance, double BracketTolerance, int MaxIterations);

    /// <summary>GLMMs: the profile's inner optimum is known to about 1e-6 in D, so a few secant steps suffice.</summary>
    internal static readonly RootSettings GlmmRoot = new(0, 1e-6, 6);

    /// <summary>
    /// Walks from the estimate in direction <paramref name="dir"/> until the profile exceeds the cut (first step
    /// 0.75 scale, then a linear extrapolation of ζ to 1.2 times the remaining distance, between 0.1 scale and four
    /// times the last step, at most 20 steps), then solves ζ(c) = √cut on the bracket by regula falsi with the
    /// Illinois modification (the retained end's value halved when the same end is kept twice). Returns the bound
    /// when the profile stays below the cut up to it, ±∞ when it stays below the cut for 20 steps, and NaN (lme4's
    /// NA) when the deviance cannot be computed on the way (a <see cref="Likelihood.NumericalFailureException"/> far
    /// from the estimate, as at a level such as 1 − 1e-16).
    /// </summary>
    internal static double Limit(ProfileAt profile, double[] vhat, double dhat, double cut, int j, int dir,
        double scale, double lower, double upper, RootSettings settings)
    {
        try
        {
            return Search(profile, vhat, dhat, cut, j, dir, scale, lower, upper, settings);
        }
        catch (Likelihood.NumericalFailureException)
        {
            return double.NaN;
        }
    }

    private static double Search(ProfileAt profile, double[] vhat, double dhat, double cut, int j, int dir,
        double scale, double lower, double upper, RootSettings settings)
    {
        double target = Math.Sqrt(cut);
        double bound = dir < 0 ? lower : upper;
        double prevC = vhat[j], prevS = 0, step = 0.75 * scale;
        var start = vhat;
        for (int k = 1; k <= 20; k++)
        {
            double c = prevC + dir * step;
            bool atBound = dir < 0 ? c <= lower : c >= upper;
            if (atBound) c = bound;
            if (c == prevC) return bound;
            var (val, at) = profile(start, j, c);
            double s = Zeta(val - dhat);
            if (s >= target) return Refine(profile, start, dhat, target, j, prevC, prevS, c, s, scale, settings);
            if (atBound) return bound;
            double slope = (s - prevS) / Math.Abs(c - prevC);
            double next = slope > 0 ? 1.2 * (target - s) / slope : 2 * step;
            step = Math.Clamp(next, 0.1 * scale, 4 * step);
            prevC = c; prevS = s; start = at;
        }
        return dir < 0 ? double.NegativeInfinity : double.PositiveInfinity;
    }

    private static double Zeta(double increase) => Math.Sqrt(Math.Max(0, increase));

    /// <summary>
    /// Solves ζ(c) = target between a (ζ below) and b (ζ at or above) by Illinois regula falsi. Each profile is searched
    /// from the minimizer at a, the end on the estimate's side: the path from the estimate stays in one basin, while b's
    /// minimizer may lie in another (e.g. where a step reached a bound and the covariance collapsed there).
    /// </summary>
    private static double Refine(ProfileAt profile, double[] startA, double dhat, double target, int j,
        double a, double sa, double b, double sb, double scale, RootSettings settings)
    {
        double fa = sa - target, fb = sb - target;
        if (Math.Abs(fb) <= settings.ZetaTolerance) return b;
        double ga = fa, gb = fb;   // the Illinois-weighted values that choose the next point
        int kept = 0;              // −1: a was kept last time, +1: b was
        for (int it = 0; it < settings.MaxIterations && Math.Abs(b - a) > settings.BracketTolerance * scale; it++)
        {
            double m = b - gb * (b - a) / (gb - ga);
            if (!(m > Math.Min(a, b) && m < Math.Max(a, b))) m = (a + b) / 2;
            var (vm, atm) = profile(startA, j, m);
            double fm = Zeta(vm - dhat) - target;
            if (Math.Abs(fm) <= settings.ZetaTolerance) return m;
            if (Math.Sign(fm) == Math.Sign(fa))
            {
                a = m; fa = ga = fm; startA = atm;
                if (kept == +1) gb /= 2;
                kept = +1;
            }
            else
            {
                b = m; fb = gb = fm;
                if (kept == -1) ga /= 2;
                kept = -1;
            }
        }
        return fa == fb ? (a + b) / 2 : a - fa * (b - a) / (fb - fa);
    }
}

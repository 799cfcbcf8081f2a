using System.Globalization;
using FastGlmm.Families;

namespace FastGlmm.Data.Frame;

/// <summary>
/// Refuses, before any fitting, the data on which a mixed model is degenerate or cannot be computed in double
/// precision, each with a one-line reason that names the response, the term or the column (lme4 refuses some of
/// these and returns ±Inf log-likelihoods for others; here none reaches the optimizer):
/// a constant response (lme4's "Response is constant"); responses or binomial totals too large or too small for
/// sums of squares and counts in fp64; no more rows than fixed-effect columns (lme4 stops with "objective in x0
/// returns NA").
/// </summary>
public static class FrameChecks
{
    /// <summary>Above this magnitude a response's square overflows fp64 (1e308) in the sums of squares and deviances.</summary>
    public const double MaxMagnitude = 1e150;

    /// <summary>Below this spread a response's squared deviations underflow.</summary>
    public const double MinSpread = 1e-150;

    /// <summary>2⁵³: binomial totals above it are not exact integers in fp64.</summary>
    public const double MaxTrials = 9007199254740992.0;

    private static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>Checks the frame's response and fixed-effects design before a fit.</summary>
    public static void Check(ModelFrame frame)
    {
        var y = frame.Response.Y;
        var family = frame.Family;
        string label = frame.Response.Label;
        int n = y.Length, fixedColumns = frame.X.Columns;
        double min = double.PositiveInfinity, max = double.NegativeInfinity, big = 0;
        for (int i = 0; i < n; i++)
        {
            min = Math.Min(min, y[i]);
            max = Math.Max(max, y[i]);
            big = Math.Max(big, Math.Abs(y[i]));
        }
        if (min == max)
            throw new UserInputException(family.Family == FamilyId.Binomial
                ? $"the response {label} is constant (the proportion of successes is {G(min)} in all {n} rows); a binomial model needs both successes and failures"
                : $"the response {label} is constant ({G(min)} in all {n} rows); there is nothing to model (lme4: \"Response is constant\")");
        if (big > MaxMagnitude)
            throw new UserInputException($"the response {label} reaches {G(big)}; values beyond {G(MaxMagnitude)} in magnitude overflow the sums of squares in double precision; rescale it (e.g. divide by 1e{(int)Math.Floor(Math.Log10(big))})");
        if (family.IsLinearMixedModel && max - min < MinSpread)
            throw new UserInputException($"the response {label} varies only by {G(max - min)}; spreads below {G(MinSpread)} underflow the sums of squares in double precision; rescale it (e.g. multiply by 1e{-(int)Math.Floor(Math.Log10(max - min))})");
        if (family.Family == FamilyId.Binomial)
        {
            double most = 0;
            foreach (double w in frame.Response.Weights) most = Math.Max(most, w);
            if (most > MaxTrials)
                throw new UserInputException($"the binomial totals of {label} reach {G(most)}; counts above 2^53 ({G(MaxTrials)}) are not exact in double precision; model the proportions with fewer trials or use a gaussian approximation");
        }
        if (fixedColumns >= n)
            throw new UserInputException($"the fixed effects have {fixedColumns} column{(fixedColumns == 1 ? "" : "s")} for {n} row{(n == 1 ? "" : "s")}; a mixed model needs more rows than fixed-effect columns");
    }
}

using System.Globalization;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Fitting;

/// <summary>
/// A fit that failed numerically (PIRLS could not find the conditional modes, the GLM start or a factorization
/// failed, or the estimates came out non-finite), explained on one line that names the response, the family, the
/// block and grouping level, and the likely cause, as R's <c>glm.fit</c> ("fitted probabilities numerically 0 or 1
/// occurred") and lme4's PIRLS messages do. It is a <see cref="UserInputException"/>: the data, not the program,
/// cannot be fitted as specified.
/// </summary>
public sealed class FitFailureException(string message, Exception? inner = null)
    : UserInputException(message, inner ?? new InvalidOperationException(message));

/// <summary>Builds <see cref="FitFailureException"/>s from what failed and what the data show.</summary>
internal static class FitFailure
{
    private static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>Explains <paramref name="e"/> (a PIRLS or factorization failure) for the frame's model.</summary>
    public static FitFailureException Explain(ModelFrame frame, Exception e)
    {
        string what = e is PirlsException p ? $"PIRLS failed{Where(frame, p.Block)}: {Reason(p)}" : $"the fit failed: {e.Message}";
        string subject = $"the {FamilySpec.Name(frame.Family.Family)} response {frame.Response.Label}";
        return new FitFailureException($"{subject}: {what}; {LikelyCause(frame)}", e);
    }

    /// <summary>A failure for estimates that came out non-finite at the end of an optimization that did not throw.</summary>
    public static FitFailureException NonFinite(ModelFrame frame, string quantity) =>
        new($"the {FamilySpec.Name(frame.Family.Family)} response {frame.Response.Label}: the fit gave a non-finite {quantity}; {LikelyCause(frame)}");

    /// <summary>Throws when the result holds a non-finite log-likelihood, θ, β or σ (never NaN with exit 0).</summary>
    public static void CheckFinite(ModelFrame frame, FitResult fit)
    {
        if (!double.IsFinite(fit.LogLik)) throw NonFinite(frame, $"log-likelihood ({fit.LogLik})");
        if (fit.Theta.Any(v => !double.IsFinite(v))) throw NonFinite(frame, "variance parameter θ");
        for (int j = 0; j < fit.Beta.Length; j++)
            if (!double.IsFinite(fit.Beta[j])) throw NonFinite(frame, $"fixed effect {fit.BetaNames[j]}");
        if (fit.Sigma is { } s && !double.IsFinite(s)) throw NonFinite(frame, "residual standard deviation");
    }

    private static string Reason(PirlsException p)
    {
        string m = p.Message;
        int colon = m.IndexOf(": ", StringComparison.Ordinal);
        return colon >= 0 ? m[(colon + 2)..] : m;
    }

    /// <summary>" in block b (g = level)" for the first random term's level at the block's first row.</summary>
    private static string Where(ModelFrame frame, int block)
    {
        if (block < 0 || block >= frame.Blocks.Count) return "";
        if (frame.Blocks.Count == 1) return "";
        var term = frame.RandomTerms[0];
        int row = frame.Blocks.RowOffsets[block];
        return $" in block {block + 1} ({term.Group} = {term.Levels[term.LevelOfRow[row]]})";
    }

    /// <summary>The most likely cause the data show, checked in order of how often it is the one.</summary>
    private static string LikelyCause(ModelFrame frame)
    {
        var y = frame.Response.Y;
        var w = frame.Response.Weights;
        if (frame.Family.Family == FamilyId.Binomial)
        {
            double most = 0;
            foreach (double v in w) most = Math.Max(most, v);
            if (most > 1e12)
                return $"the binomial totals reach {G(most)}: with so many trials per row the random effects cannot absorb the overdispersion; model the proportions (e.g. a gaussian LMM of the logit) or add an observation-level random effect";
            if (Separated(frame))
                return "fitted probabilities numerically 0 or 1 occurred: the fixed effects (or a grouping level) separate the successes from the failures (complete or quasi-complete separation); remove or merge the predictor that predicts the response exactly, or use a penalized (bias-reduced) fit";
        }
        double big = 0;
        foreach (double v in y) big = Math.Max(big, Math.Abs(v));
        if (big > 1e8)
            return $"the response reaches {G(big)}; rescale it or the predictors so that the linear predictor is of order 1";
        return "the model may be too complex for the data (too many random effects for the groups), or the predictors badly scaled; simplify the model or centre and scale the predictors";
    }

    /// <summary>
    /// R's glm.fit test for separation: the GLM without random effects, fitted by IRLS, drives some fitted
    /// probabilities to within 10ε of 0 or 1.
    /// </summary>
    private static bool Separated(ModelFrame frame)
    {
        if (frame.Family.Family != FamilyId.Binomial) return false;
        double[] beta;
        try { beta = GlmIrls.Fit(frame); }
        catch (NumericalFailureException) { return true; }
        int n = frame.RowCount, p = frame.X.Columns;
        var x = frame.X.Values;
        var off = frame.Offset;
        double eps = 10 * Math.Pow(2, -52);
        var family = Family.For(frame.Family);
        for (int i = 0; i < n; i++)
        {
            double eta = off[i];
            for (int j = 0; j < p; j++) eta += x[j * n + i] * beta[j];
            double mu = family.LinkInverse(eta);
            if (mu < eps || mu > 1 - eps) return true;
        }
        return false;
    }
}

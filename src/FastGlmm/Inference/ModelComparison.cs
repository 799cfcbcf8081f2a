using FastGlmm.Data.Frame;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Inference;

/// <summary>A likelihood-ratio comparison of two nested models (R's <c>anova(small, large)</c>).</summary>
/// <param name="Statistic">t = 2(ℓ_large − ℓ_small) (0 when negative by rounding).</param>
/// <param name="Df">Difference in the number of parameters.</param>
/// <param name="PValue">The χ²(Df) upper tail at t.</param>
/// <param name="PbPValue">The parametric-bootstrap p-value (1 + #{t* ≥ t})/(1 + #valid), or null.</param>
/// <param name="PbReplicates">Valid bootstrap replicates (0 without --pb).</param>
/// <param name="PbFailures">Replicates whose refits failed (counted, never dropped silently).</param>
public sealed record LikelihoodRatioTest(double Statistic, int Df, double PValue, double? PbPValue, int PbReplicates, int PbFailures);

/// <summary>
/// Likelihood-ratio tests of nested mixed models. The χ² test uses t = 2(ℓ_L − ℓ_S) on Df = df_L − df_S;
/// the parametric bootstrap (pbkrtest's PBmodcomp) simulates from the small model, refits both models to
/// each replicate (warm-started at their estimates) and counts t* ≥ t.
/// </summary>
public static class ModelComparison
{
    /// <summary>The χ² LRT; with <paramref name="pbReplicates"/> &gt; 0 also the PB-LRT with <paramref name="seed"/>.</summary>
    public static LikelihoodRatioTest Compare(ModelFrame smallFrame, FitResult small, ModelFrame largeFrame, FitResult large,
        int pbReplicates = 0, ulong seed = 1)
    {
        if (small.Nobs != large.Nobs)
            throw new UserInputException($"the models use different observations ({small.Nobs} and {large.Nobs} rows); compare models fitted to the same rows");
        if (small.Method.StartsWith("REML") || large.Method.StartsWith("REML"))
            throw new UserInputException("likelihood-ratio tests need ML fits; refit with --ml (lme4's anova refits REML fits by ML)");
        int df = large.Df - small.Df;
        if (df <= 0) throw new UserInputException($"the second model must have more parameters than the first ({large.Df} vs {small.Df})");
        double t = Math.Max(0, 2 * (large.LogLik - small.LogLik));
        double p = ChiSquared.UpperTail(t, df);
        if (pbReplicates <= 0) return new LikelihoodRatioTest(t, df, p, null, 0, 0);

        var probS = new GlmmProblem(smallFrame);
        var warmS = WarmStart.From(small);
        var warmL = WarmStart.From(large);
        double scale = ResponseSimulator.ScaleOf(small, probS);
        var stats = new double[pbReplicates];
        Parallel.For(0, pbReplicates, r =>
        {
            try
            {
                var y = ResponseSimulator.Simulate(probS, small.Theta, small.Beta, scale, seed, r);
                double ls = Refit(smallFrame.WithResponse(y), warmS, small);
                double ll = Refit(largeFrame.WithResponse(Reorder(y, smallFrame, largeFrame)), warmL, large);
                stats[r] = Math.Max(0, 2 * (ll - ls));
            }
            catch (Exception e) when (e is InvalidOperationException or UserInputException or ArithmeticException)
            {
                stats[r] = double.NaN;
            }
        });
        var valid = stats.Where(double.IsFinite).ToArray();
        double pb = (1.0 + valid.Count(s => s >= t)) / (1.0 + valid.Length);
        return new LikelihoodRatioTest(t, df, p, pb, valid.Length, pbReplicates - valid.Length);
    }

    private static double Refit(ModelFrame frame, WarmStart warm, FitResult original) =>
        frame.Family.IsLinearMixedModel
            ? LmmFitter.Fit(frame, reml: false, thetaStart: original.Theta).LogLik
            : -GlmmFitter.Fit(frame, nagq: Math.Max(1, original.Nagq), warmStart: warm).Deviance / 2;

    /// <summary>Maps responses in the small frame's row order onto the large frame's rows (same data rows).</summary>
    private static double[] Reorder(double[] y, ModelFrame from, ModelFrame to)
    {
        var byInput = new Dictionary<int, double>(from.RowCount);
        for (int i = 0; i < from.RowCount; i++) byInput[from.InputRow[i]] = y[i];
        var r = new double[to.RowCount];
        for (int i = 0; i < to.RowCount; i++)
            r[i] = byInput.TryGetValue(to.InputRow[i], out var v) ? v
                : throw new UserInputException("the two models use different rows of the data; compare models fitted to the same rows");
        return r;
    }
}

using FastGlmm.Backends;
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
    /// <param name="smallFrame">The null model's frame.</param>
    /// <param name="small">The null model's ML fit (the replicates are simulated from it).</param>
    /// <param name="largeFrame">The larger model's frame (the same data rows).</param>
    /// <param name="large">The larger model's ML fit.</param>
    /// <param name="pbReplicates">Parametric-bootstrap replicates (0: none).</param>
    /// <param name="seed">The simulation seed (replicate r is keyed by (seed, r)).</param>
    /// <param name="refitBatch">GLMMs: makes the lockstep batches both models' replicates are refitted in (the CPU's by default).</param>
    public static LikelihoodRatioTest Compare(ModelFrame smallFrame, FitResult small, ModelFrame largeFrame, FitResult large,
        int pbReplicates = 0, ulong seed = 1, RefitBatchFactory? refitBatch = null)
    {
        ModelNesting.Check(smallFrame, largeFrame);
        if (small.Method.StartsWith("REML") || large.Method.StartsWith("REML"))
            throw new UserInputException("likelihood-ratio tests need ML fits; refit with --ml (lme4's anova refits REML fits by ML)");
        int df = large.Df - small.Df;
        if (df <= 0) throw new UserInputException($"the second model must have more parameters than the first ({large.Df} vs {small.Df})");
        double t = Math.Max(0, 2 * (large.LogLik - small.LogLik));
        double p = ChiSquared.UpperTail(t, df);
        if (pbReplicates <= 0) return new LikelihoodRatioTest(t, df, p, null, 0, 0);

        ResponseSimulator.CheckSupported(smallFrame.Family);
        var stats = new double[pbReplicates];
        // The lockstep batches move lme4's θ: a model with a structured covariance refits each replicate alone.
        bool structured = !new CovarianceParameters(smallFrame.RandomTerms).IsIdentity || !new CovarianceParameters(largeFrame.RandomTerms).IsIdentity;
        if (!smallFrame.Family.IsLinearMixedModel && !Fitting.MixedModel.IsCountFit(small) && smallFrame.RandomTerms.Count > 0 && !structured)
        {
            RefitInLockstep(smallFrame, small, largeFrame, large, seed, refitBatch ?? Backends.Cpu.CpuRefitBatch.Create, stats);
            return Result(t, df, p, stats);
        }
        var probS = new GlmmProblem(smallFrame);
        double scale = ResponseSimulator.ScaleOf(small, probS);
        Parallel.For(0, pbReplicates, r =>
        {
            try
            {
                var y = ResponseSimulator.Simulate(probS, small.Theta, small.Beta, scale, seed, r,
                    zeroProbability: small.ZeroInflation?.ZeroProbabilities(), power: small.Power ?? double.NaN);
                double ls = Refit(smallFrame.WithResponse(y), small);
                double ll = Refit(largeFrame.WithResponse(Reorder(y, smallFrame, largeFrame)), large);
                stats[r] = Math.Max(0, 2 * (ll - ls));
            }
            catch (Exception e) when (e is InvalidOperationException or UserInputException or ArithmeticException)
            {
                stats[r] = double.NaN;
            }
        });
        return Result(t, df, p, stats);
    }

    /// <summary>The PB p-value (1 + #{t* ≥ t})/(1 + #valid) over the finite replicate statistics.</summary>
    private static LikelihoodRatioTest Result(double t, int df, double p, double[] stats)
    {
        var valid = stats.Where(double.IsFinite).ToArray();
        double pb = (1.0 + valid.Count(s => s >= t)) / (1.0 + valid.Length);
        return new LikelihoodRatioTest(t, df, p, pb, valid.Length, stats.Length - valid.Length);
    }

    /// <summary>
    /// GLMM replicates in lockstep batches of <see cref="ParametricBootstrap.LockstepBatch"/>: the small model's and the
    /// large model's refits each run through <see cref="LockstepRefits"/>, warm-started at their fits (each replicate's
    /// refit equals <see cref="GlmmFitter.Fit"/> from that warm start); t*_r = max(0, D_small − D_large), NaN when either
    /// refit failed.
    /// </summary>
    private static void RefitInLockstep(ModelFrame smallFrame, FitResult small, ModelFrame largeFrame, FitResult large,
        ulong seed, RefitBatchFactory refitBatch, double[] stats)
    {
        var probS = new GlmmProblem(smallFrame);
        double scale = ResponseSimulator.ScaleOf(small, probS);
        var warmS = WarmStart.From(small);
        var warmL = WarmStart.From(large);
        int nagqS = Math.Max(1, small.Nagq), nagqL = Math.Max(1, large.Nagq);
        for (int b0 = 0; b0 < stats.Length; b0 += ParametricBootstrap.LockstepBatch)
        {
            int size = Math.Min(ParametricBootstrap.LockstepBatch, stats.Length - b0);
            var ys = new double[size][];
            var yl = new double[size][];
            Parallel.For(0, size, k =>
            {
                ys[k] = ResponseSimulator.Simulate(probS, small.Theta, small.Beta, scale, seed, b0 + k);
                yl[k] = Reorder(ys[k], smallFrame, largeFrame);
            });
            var os = LockstepRefits.Run(smallFrame, ys, refitBatch, warmS, nagqS);
            var ol = LockstepRefits.Run(largeFrame, yl, refitBatch, warmL, nagqL);
            for (int k = 0; k < size; k++)
                stats[b0 + k] = os[k].Theta.Length == 0 || ol[k].Theta.Length == 0 || !double.IsFinite(os[k].Deviance + ol[k].Deviance)
                    ? double.NaN
                    : Math.Max(0, os[k].Deviance - ol[k].Deviance);
        }
    }

    /// <summary>
    /// The ML logLik of one replicate refitted alone: an LMM from the fit's θ; a model without random effects by its
    /// closed form or IRLS; a GLMM (against a small model without random effects) warm-started at its fit; a negative
    /// binomial from its fit's optimum.
    /// </summary>
    private static double Refit(ModelFrame frame, FitResult original)
    {
        if (Fitting.MixedModel.IsCountFit(original)) return Fitting.MixedModel.RefitCounts(frame, original, ParametricBootstrap.RefitTolerance).LogLik;
        if (frame.RandomTerms.Count == 0) return Fitting.MixedModel.Fit(frame, new Fitting.FitOptions { Reml = false }).LogLik;
        if (frame.Family.IsLinearMixedModel) return LmmFitter.Fit(frame, reml: false, thetaStart: original.Theta).LogLik;
        var o = GlmmFitter.Fit(frame, nagq: Math.Max(1, original.Nagq), warmStart: WarmStart.From(original));
        o.Backend.Dispose();
        return -o.Deviance / 2;
    }

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

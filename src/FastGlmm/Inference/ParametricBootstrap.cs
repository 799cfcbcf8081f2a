using FastGlmm.Backends;
using FastGlmm.Data.Frame;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Inference;

/// <summary>One bootstrap replicate: its estimates, or why its refit failed.</summary>
/// <param name="Index">The replicate number (its RNG key).</param>
/// <param name="Theta">θ̂* (empty when failed).</param>
/// <param name="Beta">β̂* (empty when failed).</param>
/// <param name="LogLik">The replicate's log-likelihood (NaN when failed).</param>
/// <param name="Sigma">σ̂* for LMMs, else NaN.</param>
/// <param name="Failure">Null when the refit succeeded; otherwise a one-line reason.</param>
public sealed record BootstrapReplicate(long Index, double[] Theta, double[] Beta, double LogLik, double Sigma, string? Failure);

/// <summary>
/// The parametric bootstrap (lme4's <c>bootMer</c>, type "parametric"): for replicate r, responses are
/// simulated from the fitted model with new random effects (<see cref="ResponseSimulator"/>, keyed by
/// (seed, r)), and the model is refitted from the original estimates (a single-stage warm start, as
/// lme4's <c>refit</c>). GLMM replicates are refitted in lockstep batches of <see cref="LockstepBatch"/>
/// (<see cref="LockstepRefits"/>: one batched objective call per round over every unfinished replicate);
/// LMM replicates run in parallel. Each replicate is reproducible on its own, whatever the batch, so
/// replicates [first, first + count) can be computed anywhere (a shard) and merged.
/// </summary>
public static class ParametricBootstrap
{
    /// <summary>The final trust-region radius of a GLMM replicate's refit, in the original fit's standard errors.</summary>
    public const double RefitTolerance = 2e-2;

    /// <summary>Replicates refitted together in one lockstep batch.</summary>
    public const int LockstepBatch = 256;

    /// <summary>
    /// The most replicates one run computes (10^7): their statistics are held in memory, and more would take days on
    /// any machine. A larger bootstrap is split into shards, each a run of its own.
    /// </summary>
    public const int MaxReplicatesPerRun = 10_000_000;

    /// <summary>Runs replicates first, first+1, …, first+count−1 of the bootstrap of <paramref name="fit"/>.</summary>
    /// <param name="frame">The model frame the fit was made on.</param>
    /// <param name="fit">The fitted model replicates are simulated from and refitted from.</param>
    /// <param name="first">The first replicate's index (its RNG key).</param>
    /// <param name="count">Replicates to run.</param>
    /// <param name="seed">The simulation seed.</param>
    /// <param name="reml">LMMs: refit by REML (else ML).</param>
    /// <param name="nagq">GLMMs: quadrature nodes per dimension (1: Laplace).</param>
    /// <param name="progress">Receives the number of replicates finished so far (from any thread, in any order).</param>
    /// <param name="refitBatch">Makes the GLMM lockstep batches (the CPU's by default).</param>
    /// <param name="cancel">Stops the run early: the replicates finished by then are returned, the others are not.</param>
    /// <param name="finished">Called (from any thread, in any order) with each replicate as it finishes: a checkpoint.</param>
    /// <returns>The finished replicates in index order: all <paramref name="count"/> unless cancelled.</returns>
    public static BootstrapReplicate[] Run(ModelFrame frame, FitResult fit, long first, int count, ulong seed,
        bool reml = true, int nagq = 1, IProgress<int>? progress = null, RefitBatchFactory? refitBatch = null,
        CancellationToken cancel = default, Action<BootstrapReplicate>? finished = null)
    {
        var indices = new long[count];
        for (int k = 0; k < count; k++) indices[k] = first + k;
        return Run(frame, fit, indices, seed, reml, nagq, progress, refitBatch, cancel, finished);
    }

    /// <summary>
    /// Runs the replicates <paramref name="indices"/> (any set, e.g. the ones an interrupted run did not finish); each
    /// is the same as in a run of a contiguous range. Parameters as the contiguous overload.
    /// </summary>
    public static BootstrapReplicate[] Run(ModelFrame frame, FitResult fit, IReadOnlyList<long> indices, ulong seed,
        bool reml = true, int nagq = 1, IProgress<int>? progress = null, RefitBatchFactory? refitBatch = null,
        CancellationToken cancel = default, Action<BootstrapReplicate>? finished = null)
    {
        int count = indices.Count;
        ResponseSimulator.CheckSupported(frame.Family);
        var prob = new GlmmProblem(frame);
        double scale = ResponseSimulator.ScaleOf(fit, prob);
        // Replicates are refitted to 2e-2 standard errors: their spread is about 1 standard error, so this adds at
        // most 0.02² = 0.04% to a bootstrap variance (cbpp, B = 1000: every SD the same to 1e-4 as at 1e-2, with 9%
        // fewer evaluations), with PIRLS stopped correspondingly earlier and the optimizer's model seeded with the
        // original fit's curvature.
        var warm = WarmStart.From(fit, RefitTolerance) with { PirlsTolerance = Pirls.CoarseDecreaseTolerance };
        var result = new BootstrapReplicate?[count];
        int done = 0;
        var zero = fit.ZeroInflation?.ZeroProbabilities();
        // A structured covariance refits each replicate alone (the lockstep batches move lme4's θ).
        bool structured = !new CovarianceParameters(frame.RandomTerms).IsIdentity;
        if (frame.Family.IsLinearMixedModel || frame.RandomTerms.Count == 0 || Fitting.MixedModel.IsCountFit(fit) || structured)
        {
            Parallel.For(0, count, k =>
            {
                if (cancel.IsCancellationRequested) return;
                long r = indices[k];
                try
                {
                    var y = ResponseSimulator.Simulate(prob, fit.Theta, fit.Beta, scale, seed, r, zeroProbability: zero, power: fit.Power ?? double.NaN);
                    result[k] = RefitOne(frame.WithResponse(y), fit, r, reml, nagq, warm);
                }
                catch (Exception e) when (e is InvalidOperationException or UserInputException or ArithmeticException)
                {
                    result[k] = new BootstrapReplicate(r, [], [], double.NaN, double.NaN, e.Message.Split('\n')[0]);
                }
                finished?.Invoke(result[k]!);
                progress?.Report(Interlocked.Increment(ref done));
            });
            return Finished(result);
        }
        // GLMMs: lockstep refits in batches (each replicate's result is that of refitting it alone).
        refitBatch ??= Backends.Cpu.CpuRefitBatch.Create;
        for (int b0 = 0; b0 < count && !cancel.IsCancellationRequested; b0 += LockstepBatch)
        {
            int size = Math.Min(LockstepBatch, count - b0);
            var ys = new double[size][];
            int start = b0;
            Parallel.For(0, size, k => ys[k] = ResponseSimulator.Simulate(prob, fit.Theta, fit.Beta, scale, seed, indices[start + k]));
            LockstepRefits.Run(frame, ys, refitBatch, warm, nagq, (k, o) =>
            {
                var rep = result[start + k] = new BootstrapReplicate(indices[start + k], o.Theta, o.Beta, -o.Deviance / 2, double.NaN, o.Failure);
                finished?.Invoke(rep);
                progress?.Report(Interlocked.Increment(ref done));
            }, cancel);
        }
        return Finished(result);
    }

    /// <summary>
    /// One replicate refitted alone: a GLMM with a structured covariance by <see cref="GlmmFitter"/> from the fit's optimum;
    /// an LMM by <see cref="LmmFitter"/> from the fit's θ; a model without random effects
    /// by its closed form or IRLS (<see cref="Fitting.MixedModel.Fit"/>), whose logLik is on the fit's scale.
    /// </summary>
    private static BootstrapReplicate RefitOne(ModelFrame replicate, FitResult fit, long r, bool reml, int nagq, WarmStart warm)
    {
        if (!replicate.Family.IsLinearMixedModel && replicate.RandomTerms.Count > 0 && !Fitting.MixedModel.IsCountFit(fit))
        {
            // A structured GLMM: the fit's stages 2 (and 3) from its optimum, as one lockstep refit would run them.
            var o = GlmmFitter.Fit(replicate, nagq: Math.Max(1, nagq), warmStart: warm);
            o.Backend.Dispose();
            return new BootstrapReplicate(r, o.Theta, o.Beta, -o.Deviance / 2, double.NaN, o.Optimizer.Converged ? null : o.Optimizer.Message);
        }
        if (Fitting.MixedModel.IsCountFit(fit))
        {
            // From the original optimum, to 2e-2 of a standard error (as the GLMM refits).
            var f = Fitting.MixedModel.RefitCounts(replicate, fit, RefitTolerance);
            return new BootstrapReplicate(r, f.Theta, f.Beta, f.LogLik, double.NaN, f.Convergence.Converged ? null : f.Convergence.Messages[0]);
        }
        if (replicate.RandomTerms.Count == 0)
        {
            var f = Fitting.MixedModel.Fit(replicate, new Fitting.FitOptions { Reml = reml });
            return new BootstrapReplicate(r, [], f.Beta, f.LogLik, f.Sigma ?? double.NaN,
                f.Convergence.Converged ? null : f.Convergence.Messages[0]);
        }
        var lf = LmmFitter.Fit(replicate, reml, thetaStart: fit.Theta);
        return new BootstrapReplicate(r, lf.Theta, lf.Beta, lf.LogLik, lf.Sigma, lf.Optimizer.Converged ? null : lf.Optimizer.Message);
    }

    /// <summary>The replicates that finished (all of them unless the run was cancelled).</summary>
    private static BootstrapReplicate[] Finished(BootstrapReplicate?[] result) =>
        result.OfType<BootstrapReplicate>().ToArray();
}

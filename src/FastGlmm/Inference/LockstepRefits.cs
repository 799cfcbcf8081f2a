using FastGlmm.Backends;
using FastGlmm.Data.Frame;
using FastGlmm.Likelihood;
using FastGlmm.Model;
using FastGlmm.Optimization;

namespace FastGlmm.Inference;

/// <summary>One replicate's refit: its optimum, or why it failed.</summary>
/// <param name="Theta">θ̂* (empty when failed).</param>
/// <param name="Beta">β̂* (empty when failed).</param>
/// <param name="Deviance">The minimized −2 log L (NaN when failed).</param>
/// <param name="Evaluations">Objective evaluations it took.</param>
/// <param name="Converged">Whether its optimizer reached its tolerance.</param>
/// <param name="Failure">Null when it succeeded and converged; otherwise a one-line reason.</param>
/// <param name="Interrupted">True when the run was cancelled before this replicate finished (it has no result).</param>
public sealed record RefitOutcome(double[] Theta, double[] Beta, double Deviance, int Evaluations, bool Converged, string? Failure,
    bool Interrupted = false);

/// <summary>
/// Lockstep refits (issue 5's batched refit driver): R replicates of one model, each with its own response, all
/// warm-started from the original fit (<see cref="WarmStart"/>), are optimized together. Each replicate has its
/// own optimizer state (<see cref="StageTwoRun"/>, the single-fit code driven from outside); every round asks
/// each unfinished replicate for its next point, evaluates all of them in one batched call
/// (<see cref="IRefitBatch"/>, i.e. replicate × block), and tells each its value. A replicate retires when its
/// optimizer finishes, and one whose evaluation fails is retired with the reason; the others continue. The
/// points and results of every replicate are exactly those of refitting it alone, whatever the batch. A batch
/// whose replicates can be evaluated one at a time (<see cref="IIndependentRefitBatch"/>, the CPU) skips the
/// rounds: every replicate runs its own loop on a worker thread, so no thread waits for the slowest replicate
/// of a round.
/// </summary>
public static class LockstepRefits
{
    /// <summary>Refits every replicate of <paramref name="batch"/>.</summary>
    /// <param name="batch">The replicates' objectives. An <see cref="IIndependentRefitBatch"/> (the CPU) is run
    /// free: each replicate's ask → evaluate → tell loop runs on its own thread, with no barrier per round.</param>
    /// <param name="warm">The start, scales, curvature and tolerance shared by all replicates.</param>
    /// <param name="lowerTheta">θ's lower bounds.</param>
    /// <param name="nagq">Nodes per dimension (&gt; 1: the AGQ stage follows).</param>
    /// <param name="maxEvaluations">Evaluations allowed per replicate.</param>
    /// <param name="rounds">Receives the number of rounds: the batched calls made, i.e. the longest replicate's
    /// number of evaluations (the same when run free).</param>
    /// <param name="retired">Called (from any thread) with each replicate's index and outcome as it finishes or fails
    /// (a checkpoint can write it at once).</param>
    /// <param name="cancel">Stops the run: replicates not finished by then come back <see cref="RefitOutcome.Interrupted"/>.</param>
    public static RefitOutcome[] Run(IRefitBatch batch, WarmStart warm, double[] lowerTheta, int nagq, int maxEvaluations,
        out int rounds, Action<int, RefitOutcome>? retired = null, CancellationToken cancel = default)
    {
        int count = batch.Count;
        int nt = warm.Theta.Length;
        var runs = new StageTwoRun[count];
        var failure = new string?[count];
        var asked = new int[count];
        var finished = new bool[count];
        StageTwoRun NewRun() =>
            new(warm.Theta, warm.Beta, warm.BetaScale, lowerTheta, warm.Hessian, warm.Tolerance, nagq, maxEvaluations);
        if (batch is IIndependentRefitBatch solo)
        {
            Parallel.For(0, count, r =>
            {
                if (cancel.IsCancellationRequested) return;
                var run = runs[r] = NewRun();
                while (run.Ask() is { } x)
                {
                    if (cancel.IsCancellationRequested) { solo.Release(r); return; }
                    asked[r]++;
                    double value = solo.EvaluateOne(r, x.V, x.On, out failure[r]);
                    if (failure[r] is not null) break;
                    run.Tell(value);
                }
                solo.Release(r);
                finished[r] = true;
                retired?.Invoke(r, Outcome(runs[r], failure[r], true, nt));
            });
        }
        else RunInRounds(batch, runs, failure, asked, finished, NewRun, retired is null ? null : r => retired(r, Outcome(runs[r], failure[r], true, nt)), cancel);
        rounds = count == 0 ? 0 : asked.Max();
        var result = new RefitOutcome[count];
        for (int r = 0; r < count; r++) result[r] = Outcome(runs[r], failure[r], finished[r], nt);
        return result;
    }

    /// <summary>
    /// Refits the replicates of <paramref name="frame"/> with responses <paramref name="responses"/> (each n, frame
    /// order) in one batch made by <paramref name="factory"/>, from <paramref name="warm"/>, with θ's bounds from the
    /// frame's terms and <see cref="GlmmFitter.DefaultMaxEvaluations"/> per replicate; the batch is disposed after.
    /// </summary>
    public static RefitOutcome[] Run(ModelFrame frame, IReadOnlyList<double[]> responses, RefitBatchFactory factory, WarmStart warm,
        int nagq, Action<int, RefitOutcome>? retired = null, CancellationToken cancel = default)
    {
        var lower = new ThetaLayout(frame.RandomTerms).Lower.ToArray();
        using var batch = factory(frame, responses, nagq, warm.PirlsTolerance);
        return Run(batch, warm, lower, nagq, GlmmFitter.DefaultMaxEvaluations, out _, retired, cancel);
    }

    /// <summary>The lockstep rounds: one batched call per round over every unfinished replicate.</summary>
    private static void RunInRounds(IRefitBatch batch, StageTwoRun[] runs, string?[] failure, int[] asked, bool[] finished,
        Func<StageTwoRun> newRun, Action<int>? retired, CancellationToken cancel)
    {
        int count = runs.Length;
        var next = new (double[] V, StageObjective On)?[count];
        Parallel.For(0, count, r =>
        {
            runs[r] = newRun();
            next[r] = runs[r].Ask();
            if (next[r] is null) { batch.Release(r); finished[r] = true; retired?.Invoke(r); }
        });
        var active = new List<int>(count);
        while (true)
        {
            active.Clear();
            for (int r = 0; r < count; r++) if (next[r] is not null && failure[r] is null) active.Add(r);
            if (active.Count == 0) break;
            if (cancel.IsCancellationRequested)
            {
                foreach (int r in active) batch.Release(r);
                break;
            }
            var ids = active.ToArray();
            var points = ids.Select(r => next[r]!.Value.V).ToArray();
            var on = ids.Select(r => next[r]!.Value.On).ToArray();
            var values = new double[ids.Length];
            var failed = new string?[ids.Length];
            foreach (int r in ids) asked[r]++;
            batch.Evaluate(ids, points, on, values, failed);
            Parallel.For(0, ids.Length, i =>
            {
                int r = ids[i];
                if (failed[i] is { } why) failure[r] = why;
                else
                {
                    runs[r].Tell(values[i]);
                    next[r] = runs[r].Ask();
                    if (next[r] is not null) return;
                }
                batch.Release(r);
                finished[r] = true;
                retired?.Invoke(r);
            });
        }
    }

    /// <summary>A replicate's outcome from its optimizer run, failure reason and whether it finished.</summary>
    private static RefitOutcome Outcome(StageTwoRun? run, string? failure, bool finished, int nt)
    {
        if (!finished) return new RefitOutcome([], [], double.NaN, 0, false, "interrupted", Interrupted: true);
        if (failure is not null) return new RefitOutcome([], [], double.NaN, 0, false, failure);
        var o = run!.Result;
        return new RefitOutcome(o.X[..nt], o.X[nt..], o.F, o.Evaluations, o.Converged, o.Converged ? null : o.Message);
    }
}

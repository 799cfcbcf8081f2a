using FastGlmm.Backends;
using FastGlmm.Likelihood;
using FastGlmm.Optimization;

namespace FastGlmm.Inference;

/// <summary>One replicate's refit: its optimum, or why it failed.</summary>
/// <param name="Theta">θ̂* (empty when failed).</param>
/// <param name="Beta">β̂* (empty when failed).</param>
/// <param name="Deviance">The minimized −2 log L (NaN when failed).</param>
/// <param name="Evaluations">Objective evaluations it took.</param>
/// <param name="Converged">Whether its optimizer reached its tolerance.</param>
/// <param name="Failure">Null when it succeeded and converged; otherwise a one-line reason.</param>
public sealed record RefitOutcome(double[] Theta, double[] Beta, double Deviance, int Evaluations, bool Converged, string? Failure);

/// <summary>
/// Lockstep refits (issue 5's batched refit driver): R replicates of one model, each with its own response, all
/// warm-started from the original fit (<see cref="WarmStart"/>), are optimized together. Each replicate has its
/// own optimizer state (<see cref="StageTwoRun"/>, the single-fit code driven from outside); every round asks
/// each unfinished replicate for its next point, evaluates all of them in one batched call
/// (<see cref="IRefitBatch"/>, i.e. replicate × block), and tells each its value. A replicate retires when its
/// optimizer finishes, and one whose evaluation fails is retired with the reason; the others continue. The
/// points and results of every replicate are exactly those of refitting it alone, whatever the batch.
/// </summary>
public static class LockstepRefits
{
    /// <summary>Refits every replicate of <paramref name="batch"/>.</summary>
    /// <param name="batch">The replicates' objectives.</param>
    /// <param name="warm">The start, scales, curvature and tolerance shared by all replicates.</param>
    /// <param name="lowerTheta">θ's lower bounds.</param>
    /// <param name="nagq">Nodes per dimension (&gt; 1: the AGQ stage follows).</param>
    /// <param name="maxEvaluations">Evaluations allowed per replicate.</param>
    /// <param name="rounds">Receives the number of batched calls made.</param>
    public static RefitOutcome[] Run(IRefitBatch batch, WarmStart warm, double[] lowerTheta, int nagq, int maxEvaluations, out int rounds)
    {
        int count = batch.Count, nt = warm.Theta.Length;
        var runs = new StageTwoRun[count];
        var next = new (double[] V, StageObjective On)?[count];
        var failure = new string?[count];
        Parallel.For(0, count, r =>
        {
            runs[r] = new StageTwoRun(warm.Theta, warm.Beta, warm.BetaScale, lowerTheta, warm.Hessian, warm.Tolerance, nagq, maxEvaluations);
            next[r] = runs[r].Ask();
        });
        rounds = 0;
        var active = new List<int>(count);
        while (true)
        {
            active.Clear();
            for (int r = 0; r < count; r++) if (next[r] is not null && failure[r] is null) active.Add(r);
            if (active.Count == 0) break;
            rounds++;
            var ids = active.ToArray();
            var points = ids.Select(r => next[r]!.Value.V).ToArray();
            var on = ids.Select(r => next[r]!.Value.On).ToArray();
            var values = new double[ids.Length];
            var failed = new string?[ids.Length];
            batch.Evaluate(ids, points, on, values, failed);
            Parallel.For(0, ids.Length, i =>
            {
                int r = ids[i];
                if (failed[i] is { } why) { failure[r] = why; return; }
                runs[r].Tell(values[i]);
                next[r] = runs[r].Ask();
                if (next[r] is null) batch.Release(r);
            });
        }
        var result = new RefitOutcome[count];
        for (int r = 0; r < count; r++)
        {
            if (failure[r] is { } why)
            {
                result[r] = new RefitOutcome([], [], double.NaN, 0, false, why);
                continue;
            }
            var o = runs[r].Result;
            result[r] = new RefitOutcome(o.X[..nt], o.X[nt..], o.F, o.Evaluations, o.Converged, o.Converged ? null : o.Message);
        }
        return result;
    }
}

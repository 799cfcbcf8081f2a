using FastGlmm.Likelihood;

namespace FastGlmm.Backends;

/// <summary>
/// A refit batch whose replicates can each be evaluated on their own, from any thread (one evaluation per
/// replicate at a time), as on the CPU, where a replicate's −2 log L is a serial pass over its own rows. Lockstep
/// rounds then buy nothing: <see cref="Inference.LockstepRefits"/> lets each replicate run its optimizer freely,
/// with no barrier between rounds. The points and values of every replicate are the same either way.
/// </summary>
public interface IIndependentRefitBatch : IRefitBatch
{
    /// <summary>
    /// D_r(v) on objective <paramref name="on"/> for replicate r, v = [θ, β] (nt + p); NaN with a one-line
    /// <paramref name="failure"/> when the evaluation failed (the replicate's state is then released).
    /// </summary>
    double EvaluateOne(int replicate, double[] point, StageObjective on, out string? failure);
}

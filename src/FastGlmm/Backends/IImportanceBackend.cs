using FastGlmm.MonteCarlo;

namespace FastGlmm.Backends;

/// <summary>Creates an importance backend over a sample (the sample is copied to the backend's device once, here).</summary>
public delegate IImportanceBackend ImportanceBackendFactory(ImportanceSample sample);

/// <summary>
/// The batched operation of Monte Carlo maximum likelihood: for every block at once, evaluate the importance
/// log weights of all m draws of an <see cref="ImportanceSample"/> (draws × rows of the block) and reduce them
/// to per-block estimates (<see cref="BlockEstimate"/>). The math is <see cref="ImportanceKernel"/>'s (a batched
/// backend may reduce through <see cref="ImportanceSums"/>).
/// </summary>
public interface IImportanceBackend : IDisposable
{
    /// <summary>The backend's name, e.g. "cpu".</summary>
    string Name { get; }

    /// <summary>
    /// Evaluates at ψ = (β, M) and writes one estimate per block into <paramref name="result"/>; with an invalid
    /// M (a diagonal entry ≤ 0) every block's log-mean-exp is −∞.
    /// </summary>
    /// <param name="beta">β (p).</param>
    /// <param name="precision">Packed precision factors M (#θ).</param>
    /// <param name="result">One estimate per block.</param>
    void Evaluate(ReadOnlySpan<double> beta, ReadOnlySpan<double> precision, BlockEstimate[] result);
}

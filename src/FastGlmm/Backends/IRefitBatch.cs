using FastGlmm.Likelihood;

namespace FastGlmm.Backends;

/// <summary>
/// The batched operation of lockstep refits: R replicates share X, the structure of Z and the block partition,
/// each with its own response y_r. One call evaluates, for a set of replicates at once, replicate r's
/// −2 log L (Laplace, or AGQ) at its own v_r = [θ_r, β_r], i.e. one batched pass over (replicate × block).
/// </summary>
public interface IRefitBatch : IDisposable
{
    /// <summary>The backend's name, e.g. "cpu".</summary>
    string Name { get; }

    /// <summary>R, the replicates in the batch.</summary>
    int Count { get; }

    /// <summary>
    /// values[i] = D_r(points[i]) on objective on[i] for r = replicates[i]. A replicate whose evaluation failed
    /// (e.g. PIRLS could not proceed) gets failures[i] = a one-line reason and values[i] = NaN; otherwise
    /// failures[i] = null. A non-finite D with no failure is an ordinary failed evaluation for the optimizer.
    /// </summary>
    void Evaluate(ReadOnlySpan<int> replicates, IReadOnlyList<double[]> points, ReadOnlySpan<StageObjective> on,
        Span<double> values, string?[] failures);

    /// <summary>Replicate r has finished (or failed): whatever the batch holds for it may be freed. Calling it again is harmless.</summary>
    void Release(int replicate);
}

/// <summary>
/// Makes the batch of one lockstep run: the model frame, one response vector y_r (n) per replicate, nAGQ, and
/// PIRLS's decrease tolerance. The CPU's is <see cref="Cpu.CpuRefitBatch"/>'s constructor.
/// </summary>
public delegate IRefitBatch RefitBatchFactory(Data.Frame.ModelFrame frame, IReadOnlyList<double[]> responses, int nagq, double pirlsTolerance);

using FastGlmm.Backends.Cpu;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Backends.Cuda;

/// <summary>
/// The CUDA implementation of <see cref="IRefitBatch"/>: the R replicates are one stacked problem on the device
/// (X, Z and the block partition once; y_r, β_r, Λ(θ_r) and every (replicate, block) pair's PIRLS state per
/// replicate: <c>kernels/fastglmm_problem.h</c>). One <see cref="Evaluate"/> is one batched pass over the asked
/// replicates' (replicate × block) pairs: one launch recomputes η₀ and ZΛ for them, PIRLS runs in lockstep over all
/// the pairs at once (<see cref="Pirls.RunLockstep(IBatchedPirlsOperations, PirlsBlockMachine[], Span{double}, PirlsException?[])"/>,
/// one <see cref="PirlsBlockMachine"/> per pair, each replicate warm-started from its own previous modes), and per-block
/// log det A (with the AGQ node sums, or Gamma's log-likelihood terms) come back and are summed per replicate by the
/// core's <see cref="LaplaceDeviance.Assemble"/> / <see cref="AgqDeviance.Assemble"/>. So replicate r's value is
/// <see cref="CpuRefitBatch"/>'s: the same per-block algorithm, tolerances (the batch's PIRLS tolerance for Laplace,
/// <see cref="Pirls.DecreaseTolerance"/> for AGQ), cold restart and sums. Replicates not asked are not in the launch
/// list and cost nothing; a released replicate restarts from u = 0 when asked again. Not an
/// <see cref="IIndependentRefitBatch"/>: the GPU wants lockstep rounds.
/// </summary>
public sealed partial class CudaRefitBatch : IRefitBatch
{
    private readonly GlmmProblem _p;
    private readonly DeviceProblem _d;
    private readonly IReadOnlyList<double[]> _responses;
    private readonly int _nt;
    private readonly double _pirlsTolerance, _weightSum;
    private readonly bool _dispersion;
    private readonly string? _agqUnavailable;
    private readonly double[] _nodes = [], _logWeights = [];
    private readonly double[]?[] _saturated;
    private readonly bool[] _released;

    /// <summary>
    /// Why R = <paramref name="replicates"/> stacked replicates of <paramref name="problem"/> cannot run on the GPU, or
    /// null when they can: the kernels' limits (<see cref="CudaGlmmBackend.Unsupported"/>), or more (replicate, block)
    /// pairs than a 32-bit block index holds.
    /// </summary>
    public static string? Unsupported(GlmmProblem problem, int replicates)
    {
        if (CudaGlmmBackend.Unsupported(problem) is { } why) return why;
        long pairs = (long)replicates * problem.BlockCount;
        if (pairs > int.MaxValue) return $"{replicates} replicates × {problem.BlockCount} blocks exceed the kernels' 32-bit block index";
        return null;
    }

    /// <summary>
    /// Copies the design of <paramref name="problem"/> and the responses y_r (n each, the problem's row order) to
    /// <paramref name="device"/>, every replicate's modes at 0. Throws a <see cref="UserInputException"/> when
    /// <see cref="Unsupported"/> says so, and <see cref="CudaOutOfMemoryException"/> (with the MiB the batch needs in
    /// all) when the device is too small.
    /// </summary>
    /// <param name="problem">The model (its own response is not used).</param>
    /// <param name="responses">y_r for each of the R replicates.</param>
    /// <param name="nagq">Nodes per dimension of the AGQ objective (1: Laplace only).</param>
    /// <param name="pirlsTolerance">PIRLS's decrease tolerance for the Laplace objective.</param>
    /// <param name="device">The device.</param>
    public CudaRefitBatch(GlmmProblem problem, IReadOnlyList<double[]> responses, int nagq, double pirlsTolerance, CudaDevice device)
    {
        if (Unsupported(problem, responses.Count) is { } why) throw new UserInputException($"the CUDA backend cannot refit this model: {why}");
        _p = problem;
        _responses = responses;
        _pirlsTolerance = pirlsTolerance;
        _nt = problem.Layout.Count;
        _dispersion = problem.Family.UsesLme4Scale;
        _weightSum = LaplaceDeviance.DispersionDenominator(problem);
        if (nagq > 1)
        {
            // As the CPU, where AgqDeviance's constructor fails each replicate that reaches the AGQ stage.
            try
            {
                int m = AgqDeviance.CheckApplicable(problem.Frame);
                if (AgqDeviance.IsNested(problem.Frame))
                    throw new UserInputException("nested adaptive quadrature runs on the CPU only; refit with --backend cpu");
                (_nodes, _logWeights) = AgqDeviance.ProductRule(GaussHermiteRule.Get(nagq), m);
            }
            catch (Exception e) when (e is InvalidOperationException or UserInputException or ArithmeticException) { _agqUnavailable = e.Message.Split('\n')[0]; }
        }
        _saturated = new double[]?[responses.Count];
        _released = new bool[responses.Count];
        _d = new DeviceProblem(problem, device, responses, $"the refit batch of {responses.Count} replicates");
    }

    /// <summary>
    /// The CUDA <see cref="RefitBatchFactory"/> on <paramref name="device"/>: a <see cref="CudaRefitBatch"/>, or, for a
    /// model the kernels cannot take (<see cref="Unsupported"/>), the CPU's batch with a one-line note (once per factory).
    /// </summary>
    public static RefitBatchFactory Factory(CudaDevice device, Action<string> note)
    {
        int noted = 0;
        return (frame, responses, nagq, pirlsTolerance) =>
        {
            var problem = new GlmmProblem(frame);
            if (Unsupported(problem, responses.Count) is { } why)
            {
                if (Interlocked.Exchange(ref noted, 1) == 0) note($"note: the bootstrap refits run on the CPU backend: {why}");
                return CpuRefitBatch.Create(frame, responses, nagq, pirlsTolerance);
            }
            return new CudaRefitBatch(problem, responses, nagq, pirlsTolerance, device);
        };
    }

    /// <summary>"cuda".</summary>
    public string Name => "cuda";

    /// <inheritdoc/>
    public int Count => _responses.Count;

    /// <summary>Bytes of device memory the batch holds.</summary>
    public long DeviceBytes => _d.DeviceBytes;

    /// <summary>Passes over the listed (replicate, block) pairs' rows launched so far.</summary>
    public long RowPasses => _d.RowPasses;

    /// <inheritdoc/>
    public void Release(int replicate)
    {
        _released[replicate] = true;
        _saturated[replicate] = null;
    }

    /// <summary>Frees the device memory.</summary>
    public void Dispose() => _d.Dispose();
}

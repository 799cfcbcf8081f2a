using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Backends.Cuda;

/// <summary>
/// The CUDA implementation of <see cref="IGlmmBackend"/>. The problem's rows (sorted by block), its design
/// and every block's state live on the device for the backend's lifetime (a <c>DeviceProblem</c> of one replicate,
/// the layout the lockstep refit batch <see cref="CudaRefitBatch"/> stacks R times); the kernels of
/// <c>kernels/glmm_rows.cu</c> (one warp per block) and <c>kernels/glmm_blocks.cu</c> (one thread per block)
/// do the batched work, and a call brings back only per-block values or reduced sums. PIRLS runs in lockstep
/// over all blocks (<see cref="Pirls.RunLockstep(IBatchedPirlsOperations, Span{double}, double)"/>), the same per-block algorithm the CPU runs.
/// Blocks of more than <see cref="MaxBlockSize"/> random effects are not supported here (see <see cref="Unsupported"/>).
/// </summary>
public sealed partial class CudaGlmmBackend : IGlmmBackend, IBatchedPirlsOperations
{
    /// <summary>Random effects per block the kernels handle (FG_MAX_M).</summary>
    public const int MaxBlockSize = 8;

    /// <summary>Fixed effects the joint (u, β) kernels handle (FG_MAX_P).</summary>
    public const int MaxFixedEffects = 16;

    private readonly CudaDevice _dev;
    private readonly GlmmProblem _p;
    private readonly DeviceProblem _d;
    private readonly double[] _sat, _dispersion = new double[1];

    /// <summary>
    /// Why <paramref name="problem"/> cannot run on this backend, or null when it can: a block with more than
    /// <see cref="MaxBlockSize"/> random effects (crossed designs' single large block), or more than
    /// <see cref="MaxFixedEffects"/> fixed effects.
    /// </summary>
    public static string? Unsupported(GlmmProblem problem)
    {
        int m = 0;
        for (int b = 0; b < problem.BlockCount; b++) m = Math.Max(m, problem.UOffsets[b + 1] - problem.UOffsets[b]);
        if (m > MaxBlockSize)
            return $"the largest independent block has {m} random effects (the GPU kernels take up to {MaxBlockSize}; crossed designs form one large block)";
        if (problem.P > MaxFixedEffects) return $"the model has {problem.P} fixed effects (the GPU kernels take up to {MaxFixedEffects})";
        return null;
    }

    /// <summary>Copies <paramref name="problem"/> to <paramref name="device"/>; throws when <see cref="Unsupported"/> says so.</summary>
    public CudaGlmmBackend(GlmmProblem problem, CudaDevice device)
    {
        if (Unsupported(problem) is { } why) throw new UserInputException($"the CUDA backend cannot fit this model: {why}");
        _dev = device;
        _p = problem;
        _d = new DeviceProblem(problem, device, [problem.Y], "the model");
        _sat = Likelihood.SaturatedConstants.Compute(problem);
    }

    /// <summary>"cuda".</summary>
    public string Name => "cuda";

    /// <inheritdoc/>
    public GlmmProblem Problem => _p;

    /// <summary>The device the backend runs on.</summary>
    public CudaDevice Device => _dev;

    /// <summary>Bytes of device memory the backend holds.</summary>
    public long DeviceBytes => _d.DeviceBytes;

    /// <summary>Passes over all rows launched so far (PIRLS evaluations, log-likelihood, AGQ nodes, joint passes).</summary>
    public long RowPasses => _d.RowPasses;

    /// <summary>
    /// DRAM bytes one pass over the rows must read at least: η₀, y and the weight (24 bytes per row) and the K
    /// entries of ZΛ and their slots (12 K bytes per row).
    /// </summary>
    public long BytesPerRowPass => (long)_p.N * (24 + 12L * _p.K);

    /// <inheritdoc/>
    public void SetParameters(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta)
    {
        _d.SetParameters(0, theta, beta);
        _d.LinearPredictor([]);
    }

    /// <inheritdoc/>
    public void ResetModes() => _d.ClearModes(0);

    /// <inheritdoc/>
    public void ReadModes(Span<double> u) => _d.ReadModes(0, u);

    /// <inheritdoc/>
    public void RunPirls(Span<double> pdev, double tolerance = Pirls.DecreaseTolerance) => Pirls.RunLockstep(_d, pdev, tolerance);

    /// <inheritdoc/>
    public void LogDeterminants(Span<double> logDet) => _d.LogDeterminants(logDet);

    /// <inheritdoc/>
    public void SaturatedConstants(Span<double> c) => _sat.CopyTo(c);

    /// <inheritdoc/>
    public void Evaluate(bool candidate, ReadOnlySpan<bool> flagged, Span<double> pdev) => _d.Evaluate(candidate, flagged, pdev);

    /// <inheritdoc/>
    public void Solve(ReadOnlySpan<bool> flagged, Span<bool> positiveDefinite, Span<double> decrease) => _d.Solve(flagged, positiveDefinite, decrease);

    /// <inheritdoc/>
    public void Halve(ReadOnlySpan<bool> flagged) => _d.Halve(flagged);

    /// <inheritdoc/>
    public void Accept(ReadOnlySpan<bool> flagged) => _d.Accept(flagged);

    /// <inheritdoc/>
    public void LaplaceTerms(Span<double> logDet, Span<double> uSquared, Span<double> deviance) => _d.LaplaceTerms(logDet, uSquared, deviance);

    /// <inheritdoc/>
    public void LogLikelihoodTerms(double dispersion, Span<double> minusTwoLogLik)
    {
        _dispersion[0] = dispersion;
        _d.LogLikelihoodTerms(_dispersion, minusTwoLogLik);
    }

    /// <inheritdoc/>
    public void AgqTerms(ReadOnlySpan<double> nodes, ReadOnlySpan<double> logWeights, ReadOnlySpan<double> pdev, Span<double> logM) =>
        _d.AgqTerms(nodes, logWeights, pdev, logM);

    /// <summary>Frees every device buffer.</summary>
    public void Dispose() => _d.Dispose();
}

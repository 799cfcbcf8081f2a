using FastGlmm.Backends.Cuda.Kernels;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Backends.Cuda;

/// <summary>
/// The CUDA implementation of <see cref="IGlmmBackend"/>. The problem's rows (sorted by block), its design
/// and every block's state live on the device for the backend's lifetime; the kernels of
/// <c>kernels/glmm_rows.cu</c> (one warp per block) and <c>kernels/glmm_blocks.cu</c> (one thread per block)
/// do the batched work, and a call brings back only per-block values or reduced sums. PIRLS runs in lockstep
/// over all blocks (<see cref="Pirls.RunLockstep"/>), the same per-block algorithm the CPU runs.
/// Blocks of more than <see cref="MaxBlockSize"/> random effects are not supported here (see <see cref="Unsupported"/>).
/// </summary>
public sealed partial class CudaGlmmBackend : IGlmmBackend, IBatchedPirlsOperations
{
    /// <summary>Random effects per block the kernels handle (FG_MAX_M).</summary>
    public const int MaxBlockSize = 8;

    /// <summary>Fixed effects the joint (u, β) kernels handle (FG_MAX_P).</summary>
    public const int MaxFixedEffects = 16;

    private const string Rows = "glmm_rows.cu", Blocks = "glmm_blocks.cu";

    private readonly CudaDevice _dev;
    private readonly GlmmProblem _p;
    private readonly List<IDisposable> _owned = [];
    private readonly DeviceBuffer<double> _beta, _factors, _u, _logdet, _values, _values2;
    private readonly DeviceBuffer<byte> _flags, _ok;
    private readonly double[] _sat, _factorsHost, _hostValues;
    private readonly byte[] _hostFlags;
    private DeviceBuffer<double>? _c, _joint, _agqRule;
    private ProblemParameters _pp;

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
        device.MakeCurrent();
        int nb = problem.BlockCount, n = problem.N, k = problem.K;
        try
        {
            var aOff = new long[nb + 1];
            for (int b = 0; b < nb; b++) { long m = problem.UOffsets[b + 1] - problem.UOffsets[b]; aOff[b + 1] = aOff[b] + m * m; }
            var termQ = Enumerable.Range(0, problem.Layout.TermCount).Select(problem.Layout.Columns).ToArray();
            _factorsHost = new double[Math.Max(1, problem.FactorOffsets[^1])];
            _pp = new ProblemParameters
            {
                X = Upload<double>(problem.X, "X"),
                Z = Upload<double>(problem.Z, "Z"),
                Zl = Alloc<double>((long)n * k, "ZΛ"),
                Slot = Upload<int>(problem.Slot, "the random-effect slots"),
                Y = Upload<double>(problem.Y, "y"),
                Wt = Upload<double>(problem.Weights, "the weights"),
                Offset = Upload<double>(problem.Offset, "the offset"),
                Eta0 = Alloc<double>(n, "η₀"),
                RowOff = Upload<int>(problem.RowOffsets, "the block row offsets"),
                UOff = Upload<int>(problem.UOffsets, "the block offsets of u"),
                AOff = Upload<long>(aOff, "the block offsets of A"),
                Cand = Alloc<double>(problem.TotalRandomEffects, "ũ"),
                Rhs = Alloc<double>(problem.TotalRandomEffects, "r"),
                A = Alloc<double>(aOff[nb], "the block systems A"),
                FactorOff = Upload<int>(problem.FactorOffsets, "the factor offsets"),
                EntryTerm = Upload<int>(problem.EntryTerm, "the entry terms"),
                EntryCol = Upload<int>(problem.EntryColumn, "the entry columns"),
                TermQ = Upload<int>(termQ, "the term sizes"),
                N = n, P = problem.P, K = k, Nb = nb,
                Family = (int)problem.Family.Family, Link = (int)problem.Family.Link,
                Terms = problem.Layout.TermCount,
            };
            _u = Own(new DeviceBuffer<double>(device, problem.TotalRandomEffects, "u"));
            _u.Clear();
            _pp.U = _u.Pointer;
            _beta = Own(new DeviceBuffer<double>(device, Math.Max(1, problem.P), "β"));
            _pp.Beta = _beta.Pointer;
            _factors = Own(new DeviceBuffer<double>(device, _factorsHost.Length, "the factors T"));
            _pp.Factors = _factors.Pointer;
            _logdet = Own(new DeviceBuffer<double>(device, nb, "log det A"));
            _pp.Logdet = _logdet.Pointer;
            _values = Own(new DeviceBuffer<double>(device, nb, "per-block values"));
            _values2 = Own(new DeviceBuffer<double>(device, nb, "per-block values"));
            _flags = Own(new DeviceBuffer<byte>(device, nb, "block flags"));
            _ok = Own(new DeviceBuffer<byte>(device, nb, "block status"));
        }
        catch
        {
            Dispose();
            throw;
        }
        _sat = Likelihood.SaturatedConstants.Compute(problem);
        _hostValues = new double[nb];
        _hostFlags = new byte[nb];
    }

    private DeviceBuffer<T> Own<T>(DeviceBuffer<T> d) where T : unmanaged
    {
        _owned.Add(d);
        DeviceBytes += d.Bytes;
        return d;
    }

    private ulong Alloc<T>(long length, string what) where T : unmanaged => Own(new DeviceBuffer<T>(_dev, length, what)).Pointer;

    private ulong Upload<T>(ReadOnlySpan<T> host, string what) where T : unmanaged => Own(new DeviceBuffer<T>(_dev, host, what)).Pointer;

    /// <summary>"cuda".</summary>
    public string Name => "cuda";

    /// <inheritdoc/>
    public GlmmProblem Problem => _p;

    /// <summary>The device the backend runs on.</summary>
    public CudaDevice Device => _dev;

    /// <summary>Bytes of device memory the backend holds.</summary>
    public long DeviceBytes { get; private set; }

    /// <summary>Passes over all rows launched so far (PIRLS evaluations, log-likelihood, AGQ nodes, joint passes).</summary>
    public long RowPasses { get; private set; }

    /// <summary>
    /// DRAM bytes one pass over the rows must read at least: η₀, y and the weight (24 bytes per row) and the K
    /// entries of ZΛ and their slots (12 K bytes per row).
    /// </summary>
    public long BytesPerRowPass => (long)_p.N * (24 + 12L * _p.K);

    private void Launch(string file, string kernel, long threads, params ReadOnlySpan<ulong> args) =>
        KernelLaunch.Run(_dev, _dev.Modules.Function(file, kernel), kernel, threads, _pp, args);

    /// <summary>Threads for one warp per block.</summary>
    private long WarpThreads => (long)_p.BlockCount * 32;

    /// <inheritdoc/>
    public void SetParameters(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta)
    {
        _dev.MakeCurrent();
        _p.FillFactors(theta, _factorsHost);
        _factors.Upload(_factorsHost);
        _beta.Upload(beta);
        Launch(Rows, "fg_linear_predictor", _p.N);
    }

    /// <inheritdoc/>
    public void ResetModes() { _dev.MakeCurrent(); _u.Clear(); }

    /// <inheritdoc/>
    public void ReadModes(Span<double> u) { _dev.MakeCurrent(); _u.Download(u); }

    /// <inheritdoc/>
    public void RunPirls(Span<double> pdev, double tolerance = Pirls.DecreaseTolerance) => Pirls.RunLockstep(this, pdev, tolerance);

    /// <inheritdoc/>
    public void LogDeterminants(Span<double> logDet) { _dev.MakeCurrent(); _logdet.Download(logDet); }

    /// <inheritdoc/>
    public void SaturatedConstants(Span<double> c) => _sat.CopyTo(c);

    private ulong Flags(ReadOnlySpan<bool> flagged)
    {
        for (int b = 0; b < _hostFlags.Length; b++) _hostFlags[b] = flagged[b] ? (byte)1 : (byte)0;
        _flags.Upload(_hostFlags);
        return _flags.Pointer;
    }

    /// <inheritdoc/>
    public void Evaluate(bool candidate, ReadOnlySpan<bool> flagged, Span<double> pdev)
    {
        _dev.MakeCurrent();
        Launch(Rows, "fg_pass", WarpThreads, KernelLaunch.Int(candidate ? 1 : 0), KernelLaunch.Int(1), Flags(flagged), _values.Pointer);
        RowPasses++;
        _values.Download(_hostValues);
        for (int b = 0; b < _hostValues.Length; b++) if (flagged[b]) pdev[b] = _hostValues[b];
    }

    /// <inheritdoc/>
    public void Solve(ReadOnlySpan<bool> flagged, Span<bool> positiveDefinite, Span<double> decrease)
    {
        _dev.MakeCurrent();
        Launch(Blocks, "fg_solve", _p.BlockCount, Flags(flagged), KernelLaunch.Int(1), _values.Pointer, _ok.Pointer);
        _values.Download(_hostValues);
        _ok.Download(_hostFlags);
        for (int b = 0; b < _hostValues.Length; b++)
            if (flagged[b]) { positiveDefinite[b] = _hostFlags[b] != 0; decrease[b] = _hostValues[b]; }
    }

    /// <inheritdoc/>
    public void Halve(ReadOnlySpan<bool> flagged) { _dev.MakeCurrent(); Launch(Blocks, "fg_step", _p.BlockCount, Flags(flagged), KernelLaunch.Int(0)); }

    /// <inheritdoc/>
    public void Accept(ReadOnlySpan<bool> flagged) { _dev.MakeCurrent(); Launch(Blocks, "fg_step", _p.BlockCount, Flags(flagged), KernelLaunch.Int(1)); }

    /// <inheritdoc/>
    public void LaplaceTerms(Span<double> logDet, Span<double> uSquared, Span<double> deviance)
    {
        _dev.MakeCurrent();
        Launch(Rows, "fg_pass", WarpThreads, KernelLaunch.Int(0), KernelLaunch.Int(1), 0UL, _values.Pointer);
        RowPasses++;
        Launch(Blocks, "fg_solve", _p.BlockCount, 0UL, KernelLaunch.Int(0), 0UL, 0UL);
        Launch(Blocks, "fg_sumsq", _p.BlockCount, _values2.Pointer);
        _logdet.Download(logDet);
        _values2.Download(uSquared);
        _values.Download(deviance);
        for (int b = 0; b < deviance.Length; b++) deviance[b] -= uSquared[b];
    }

    /// <inheritdoc/>
    public void LogLikelihoodTerms(double dispersion, Span<double> minusTwoLogLik)
    {
        _dev.MakeCurrent();
        Launch(Rows, "fg_loglik", WarpThreads, KernelLaunch.Double(dispersion), _values.Pointer);
        RowPasses++;
        _values.Download(minusTwoLogLik);
    }

    /// <inheritdoc/>
    public void AgqTerms(ReadOnlySpan<double> nodes, ReadOnlySpan<double> logWeights, ReadOnlySpan<double> pdev, Span<double> logM)
    {
        int count = logWeights.Length, m = nodes.Length / Math.Max(1, count);
        for (int b = 0; b < _p.BlockCount; b++)
            if (_p.UOffsets[b + 1] - _p.UOffsets[b] != m)
                throw new InvalidOperationException($"block {b + 1} has {_p.UOffsets[b + 1] - _p.UOffsets[b]} random effects; the AGQ nodes have {m}");
        _dev.MakeCurrent();
        // The rule is fixed for an AgqDeviance: allocate its device copy once, and re-upload (a few hundred bytes) per call.
        if (_agqRule is null || _agqRule.Length != nodes.Length + count)
        {
            _agqRule?.Dispose();
            _agqRule = new DeviceBuffer<double>(_dev, nodes.Length + count, "the AGQ rule");
        }
        _agqRule.Upload([.. nodes, .. logWeights]);
        _values2.Upload(pdev);
        Launch(Rows, "fg_agq", WarpThreads, _agqRule.Pointer, _agqRule.Pointer + (ulong)nodes.Length * sizeof(double),
            KernelLaunch.Int(count), _values2.Pointer, _values.Pointer);
        RowPasses += count;
        _values.Download(logM);
    }

    /// <summary>Frees every device buffer.</summary>
    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
        _owned.Clear();
        _agqRule?.Dispose();
        _agqRule = null;
    }
}

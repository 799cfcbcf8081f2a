using FastGlmm.Backends.Cuda.Kernels;
using FastGlmm.Likelihood;

namespace FastGlmm.Backends.Cuda;

/// <summary>
/// The batched operations on the listed blocks (entry j of every span is the launch list's j-th block; spans are
/// as long as the list): the PIRLS actions that <see cref="Pirls.RunLockstep(IBatchedPirlsOperations, PirlsBlockMachine[], Span{double}, PirlsException?[])"/>
/// issues, and the Laplace, log-likelihood and AGQ terms at the modes. Each is one or a few kernel launches over the
/// list and brings back one value per entry.
/// </summary>
internal sealed partial class DeviceProblem : IBatchedPirlsOperations
{
    private const string Rows = "glmm_rows.cu", Blocks = "glmm_blocks.cu";

    private DeviceBuffer<double>? _phi, _agqRule;

    /// <summary>Threads for one warp per list entry.</summary>
    private long WarpThreads => (long)ListLength * 32;

    private ulong Flags(ReadOnlySpan<bool> flagged)
    {
        int nl = ListLength;
        for (int j = 0; j < nl; j++) _hostFlags[j] = flagged[j] ? (byte)1 : (byte)0;
        _flags.Upload(_hostFlags.AsSpan(0, nl));
        return _flags.Pointer;
    }

    /// <inheritdoc/>
    public void Evaluate(bool candidate, ReadOnlySpan<bool> flagged, Span<double> pdev)
    {
        _dev.MakeCurrent();
        int nl = ListLength;
        Launch(Rows, "fg_pass", WarpThreads, KernelLaunch.Int(candidate ? 1 : 0), KernelLaunch.Int(1), Flags(flagged), _values.Pointer);
        RowPasses++;
        _values.Download(_hostValues.AsSpan(0, nl));
        for (int j = 0; j < nl; j++) if (flagged[j]) pdev[j] = _hostValues[j];
    }

    /// <inheritdoc/>
    public void Solve(ReadOnlySpan<bool> flagged, Span<bool> positiveDefinite, Span<double> decrease)
    {
        _dev.MakeCurrent();
        int nl = ListLength;
        Launch(Blocks, "fg_solve", nl, Flags(flagged), KernelLaunch.Int(1), _values.Pointer, _ok.Pointer);
        _values.Download(_hostValues.AsSpan(0, nl));
        _ok.Download(_hostFlags.AsSpan(0, nl));
        for (int j = 0; j < nl; j++)
            if (flagged[j]) { positiveDefinite[j] = _hostFlags[j] != 0; decrease[j] = _hostValues[j]; }
    }

    /// <inheritdoc/>
    public void Halve(ReadOnlySpan<bool> flagged) { _dev.MakeCurrent(); Launch(Blocks, "fg_step", ListLength, Flags(flagged), KernelLaunch.Int(0)); }

    /// <inheritdoc/>
    public void Accept(ReadOnlySpan<bool> flagged) { _dev.MakeCurrent(); Launch(Blocks, "fg_step", ListLength, Flags(flagged), KernelLaunch.Int(1)); }

    /// <summary>
    /// At each listed block's u: log det A (A assembled and factored there), ‖u‖², and the deviance Σ_{i∈b} d_i
    /// (see <see cref="IGlmmBackend.LaplaceTerms"/>).
    /// </summary>
    public void LaplaceTerms(Span<double> logDet, Span<double> uSquared, Span<double> deviance)
    {
        _dev.MakeCurrent();
        int nl = ListLength;
        Launch(Rows, "fg_pass", WarpThreads, KernelLaunch.Int(0), KernelLaunch.Int(1), 0UL, _values.Pointer);
        RowPasses++;
        Launch(Blocks, "fg_solve", nl, 0UL, KernelLaunch.Int(0), 0UL, 0UL);
        Launch(Blocks, "fg_sumsq", nl, _values2.Pointer);
        _logdet.Download(logDet[..nl]);
        _values2.Download(uSquared[..nl]);
        _values.Download(deviance[..nl]);
        for (int j = 0; j < nl; j++) deviance[j] -= uSquared[j];
    }

    /// <summary>
    /// At each listed block's u: −2 Σ_{i∈b} w_i log p(y_i | μ_i, φ_r) with its replicate's dispersion
    /// <paramref name="dispersion"/>[r] (length R; Gamma; ignored otherwise).
    /// </summary>
    public void LogLikelihoodTerms(ReadOnlySpan<double> dispersion, Span<double> minusTwoLogLik)
    {
        _dev.MakeCurrent();
        _phi ??= new DeviceBuffer<double>(_dev, Replicates, "the dispersions");
        _phi.Upload(dispersion);
        Launch(Rows, "fg_loglik", WarpThreads, _phi.Pointer, _values.Pointer);
        RowPasses++;
        _values.Download(minusTwoLogLik[..ListLength]);
    }

    /// <summary>
    /// Adaptive Gauss–Hermite node sums per listed block at its mode, right after PIRLS (see
    /// <see cref="IGlmmBackend.AgqTerms"/>): every block must have m = nodes / logWeights random effects.
    /// </summary>
    public void AgqTerms(ReadOnlySpan<double> nodes, ReadOnlySpan<double> logWeights, ReadOnlySpan<double> pdev, Span<double> logM)
    {
        int count = logWeights.Length, m = nodes.Length / Math.Max(1, count);
        for (int b = 0; b < _p.BlockCount; b++)
            if (_p.UOffsets[b + 1] - _p.UOffsets[b] != m)
                throw new InvalidOperationException($"block {b + 1} has {_p.UOffsets[b + 1] - _p.UOffsets[b]} random effects; the AGQ nodes have {m}");
        _dev.MakeCurrent();
        // The rule is fixed for a caller: allocate its device copy once, and re-upload (a few hundred bytes) per call.
        if (_agqRule is null || _agqRule.Length != nodes.Length + count)
        {
            _agqRule?.Dispose();
            _agqRule = new DeviceBuffer<double>(_dev, nodes.Length + count, "the AGQ rule");
        }
        _agqRule.Upload([.. nodes, .. logWeights]);
        int nl = ListLength;
        _values2.Upload(pdev[..nl]);
        Launch(Rows, "fg_agq", WarpThreads, _agqRule.Pointer, _agqRule.Pointer + (ulong)nodes.Length * sizeof(double),
            KernelLaunch.Int(count), _values2.Pointer, _values.Pointer);
        RowPasses += count;
        _values.Download(logM[..nl]);
    }
}

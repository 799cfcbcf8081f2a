using FastGlmm.Backends.Cuda.Kernels;

namespace FastGlmm.Backends.Cuda;

public sealed partial class CudaGlmmBackend
{
    /// <summary>Parts of the deterministic block reduction (the host adds them in order).</summary>
    private const int ReduceParts = 1024;

    private DeviceBuffer<double>? _partials;

    /// <inheritdoc/>
    public bool AssembleJoint(bool candidate, Span<double> s, Span<double> t, Span<double> pdev)
    {
        _dev.MakeCurrent();
        int np = _p.P, ns = np * (np + 1) / 2, width = ns + np, nb = _p.BlockCount;
        EnsureJointBuffers(width);
        Launch("glmm_rows.cu", "fg_joint_pass", WarpThreads, KernelLaunch.Int(candidate ? 1 : 0), _values.Pointer);
        RowPasses++;
        Launch("glmm_blocks.cu", "fg_joint_block", nb, _ok.Pointer);
        int parts = Math.Min(ReduceParts, nb);
        KernelLaunch.RunPlain(_dev, _dev.Modules.Function("glmm_blocks.cu", "fg_reduce"), "fg_reduce", (long)parts * width,
            _joint!.Pointer, (ulong)nb, KernelLaunch.Int(width), KernelLaunch.Int(parts), _partials!.Pointer);
        var partial = new double[parts * width];
        _partials.Download(partial);
        var sum = new double[width];
        for (int q = 0; q < parts; q++)
            for (int j = 0; j < width; j++) sum[j] += partial[q * width + j];
        for (int j = 0; j < np; j++)
        {
            t[j] = sum[ns + j];
            for (int l = 0; l <= j; l++) s[l * np + j] = s[j * np + l] = sum[j * (j + 1) / 2 + l];
        }
        _values.Download(pdev);
        _ok.Download(_hostFlags);
        return Array.IndexOf(_hostFlags, (byte)0) < 0;
    }

    /// <inheritdoc/>
    public void SolveJoint(ReadOnlySpan<double> beta)
    {
        _dev.MakeCurrent();
        _beta.Upload(beta);
        Launch("glmm_blocks.cu", "fg_joint_solve", _p.BlockCount);
    }

    private void EnsureJointBuffers(int width)
    {
        if (_c is not null) return;
        int nb = _p.BlockCount;
        var cOff = new long[nb + 1];
        for (int b = 0; b < nb; b++) cOff[b + 1] = cOff[b] + (long)(_p.UOffsets[b + 1] - _p.UOffsets[b]) * _p.P;
        _c = Own(new DeviceBuffer<double>(_dev, cOff[nb], "the joint cross-products Λ'Z'WX"));
        _pp.C = _c.Pointer;
        _pp.COff = Upload<long>(cOff, "the joint cross-product offsets");
        _joint = Own(new DeviceBuffer<double>(_dev, (long)nb * width, "the per-block reduced systems"));
        _pp.Joint = _joint.Pointer;
        _partials = Own(new DeviceBuffer<double>(_dev, (long)ReduceParts * width, "the reduction parts"));
    }
}

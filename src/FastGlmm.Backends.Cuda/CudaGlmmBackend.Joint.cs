using FastGlmm.Backends.Cuda.Kernels;

namespace FastGlmm.Backends.Cuda;

public sealed partial class CudaGlmmBackend
{
    /// <summary>Parts of the deterministic block reduction (the host adds them in order).</summary>
    private const int ReduceParts = 1024;

    private DeviceBuffer<double>? _c, _joint, _partials, _jointValues;
    private DeviceBuffer<byte>? _jointOk;

    /// <inheritdoc/>
    public bool AssembleJoint(bool candidate, Span<double> s, Span<double> t, Span<double> pdev)
    {
        _dev.MakeCurrent();
        int np = _p.P, ns = np * (np + 1) / 2, width = ns + np, nb = _p.BlockCount;
        EnsureJointBuffers(width);
        _d.Launch("glmm_rows.cu", "fg_joint_pass", (long)nb * 32, KernelLaunch.Int(candidate ? 1 : 0), _jointValues!.Pointer);
        _d.RowPasses++;
        _d.Launch("glmm_blocks.cu", "fg_joint_block", nb, _jointOk!.Pointer);
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
        _jointValues.Download(pdev);
        var ok = new byte[nb];
        _jointOk.Download(ok);
        return Array.IndexOf(ok, (byte)0) < 0;
    }

    /// <inheritdoc/>
    public void SolveJoint(ReadOnlySpan<double> beta)
    {
        _dev.MakeCurrent();
        _d.UploadBeta(0, beta);
        _d.Launch("glmm_blocks.cu", "fg_joint_solve", _p.BlockCount);
    }

    private void EnsureJointBuffers(int width)
    {
        if (_c is not null) return;
        int nb = _p.BlockCount;
        var cOff = new long[nb + 1];
        for (int b = 0; b < nb; b++) cOff[b + 1] = cOff[b] + (long)(_p.UOffsets[b + 1] - _p.UOffsets[b]) * _p.P;
        _c = _d.Own(new DeviceBuffer<double>(_dev, cOff[nb], "the joint cross-products Λ'Z'WX"));
        _d.Parameters.C = _c.Pointer;
        _d.Parameters.COff = _d.Upload<long>(cOff, "the joint cross-product offsets");
        _joint = _d.Own(new DeviceBuffer<double>(_dev, (long)nb * width, "the per-block reduced systems"));
        _d.Parameters.Joint = _joint.Pointer;
        _partials = _d.Own(new DeviceBuffer<double>(_dev, (long)ReduceParts * width, "the reduction parts"));
        _jointValues = _d.Own(new DeviceBuffer<double>(_dev, nb, "per-block values"));
        _jointOk = _d.Own(new DeviceBuffer<byte>(_dev, nb, "block status"));
    }
}

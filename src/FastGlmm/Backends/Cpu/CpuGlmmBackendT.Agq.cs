using FastGlmm.Linalg;

namespace FastGlmm.Backends.Cpu;

internal sealed partial class CpuGlmmBackend<TLink, TDist>
{
    public void SaturatedConstants(Span<double> c) => _satConst.CopyTo(c);

    public void AgqTerms(ReadOnlySpan<double> nodes, ReadOnlySpan<double> logWeights, ReadOnlySpan<double> pdev, Span<double> logM)
    {
        var devc0s = pdev.ToArray();
        int nb = _p.BlockCount, count = logWeights.Length;
        var z = nodes.ToArray();
        var lw = logWeights.ToArray();
        var res = new double[nb];
        int size = MaxBlockSize() + count;
        ForBlocks(() => new double[size], (b, work) =>
        {
            int lo = _p.UOffsets[b], m = _p.UOffsets[b + 1] - lo;
            if (m * count != z.Length) throw new InvalidOperationException($"block {b + 1} has {m} random effects; the AGQ nodes have {z.Length / count}");
            // RunPirls left A_b factored at û (its last Solve) and devc(û) in pdev.
            double devc0 = devc0s[b];
            var a = _a.AsSpan((int)_aOffset[b], m * m);
            var shift = work.AsSpan(0, m);
            // Evaluate devc at û + L⁻ᵀz_k through the candidate buffer of this block.
            var cand = _cand.AsSpan(lo, m);
            double max = double.NegativeInfinity;
            var terms = work.AsSpan(m, count);
            for (int k = 0; k < count; k++)
            {
                var zk = z.AsSpan(k * m, m);
                zk.CopyTo(shift);
                DenseCholesky.SolveUpperTransposed(a, m, shift);
                double zz = 0;
                for (int j = 0; j < m; j++) { cand[j] = _u[lo + j] + shift[j]; zz += zk[j] * zk[j]; }
                double devc = Pass(b, _cand, assemble: false);
                terms[k] = lw[k] - 0.5 * (devc - devc0) + 0.5 * zz;
                max = Math.Max(max, terms[k]);
            }
            double s = 0;
            for (int k = 0; k < count; k++) s += Math.Exp(terms[k] - max);
            res[b] = max + Math.Log(s);
        });
        res.CopyTo(logM);
    }

    private int MaxBlockSize()
    {
        int m = 1;
        for (int b = 0; b < _p.BlockCount; b++) m = Math.Max(m, _p.UOffsets[b + 1] - _p.UOffsets[b]);
        return m;
    }
}

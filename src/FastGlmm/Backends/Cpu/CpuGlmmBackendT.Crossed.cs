using FastGlmm.Linalg;

namespace FastGlmm.Backends.Cpu;

/// <summary>
/// The CPU backend's large crossed blocks (<see cref="Likelihood.CrossedBlock"/>): A_b = Λ'Z'WZΛ + I is assembled into a
/// <see cref="BlockedCholesky"/> with the block's fixed pattern instead of a dense m × m matrix, and factored blocked;
/// the same quantities as the dense path (modes, the IRLS decrease, log det A_b) come from it.
/// </summary>
internal sealed partial class CpuGlmmBackend<TLink, TDist>
{
    private readonly Likelihood.CrossedLayout?[] _crossed;
    private readonly BlockedCholesky?[] _blocked;

    /// <summary>Per crossed block, work arrays kept between passes: the rows' IRLS weights, and two of length m_b.</summary>
    private readonly (double[] Weights, double[] Step, double[] Image)[] _crossedScratch;

    /// <summary>
    /// <see cref="Pass"/> for a crossed block: Σ d_i + ‖u_b‖², and when <paramref name="assemble"/> the blocked A_b and
    /// r_b = Λ'Z'W z̃.
    /// </summary>
    private double PassCrossed(int b, double[] u, bool assemble)
    {
        var p = _p;
        int k = p.K, lo = p.UOffsets[b], m = p.UOffsets[b + 1] - lo, i0 = p.RowOffsets[b], rows = p.RowOffsets[b + 1] - i0;
        var rhs = _rhs.AsSpan(lo, m);
        var ws = _crossedScratch[b].Weights;
        if (assemble) rhs.Clear();
        double dev = 0;
        for (int i = i0; i < i0 + rows; i++)
        {
            long o = (long)i * k;
            double eta0 = _eta0[i], eta = eta0;
            for (int e = 0; e < k; e++) eta += _zl[o + e] * u[lo + p.Slot[o + e]];
            double yi = p.Y[i], wt = p.Weights[i];
            double mu = TLink.LinkInverse(eta);
            dev += TDist.DevianceResidual(yi, mu, wt);
            if (!assemble) continue;
            var (w, wr) = Weights(eta, eta0, yi, mu, wt);
            ws[i - i0] = w;
            for (int e = 0; e < k; e++) rhs[p.Slot[o + e]] += _zl[o + e] * wr;
        }
        if (assemble)
        {
            var f = _blocked[b]!;
            f.Clear();
            Likelihood.CrossedBlock.Assemble(p, b, _zl.AsSpan((int)((long)i0 * k), rows * k), ws, _crossed[b]!, f);
        }
        return dev + SumSquares(b, u);
    }

    /// <summary><see cref="SolveBlock"/> for a crossed block: factor, ũ_b = A_b⁻¹r_b, decrease ‖L'(ũ − u)‖².</summary>
    private bool SolveCrossedBlock(int b, BlockedCholesky f, out double decrease)
    {
        decrease = 0;
        int lo = _p.UOffsets[b], m = _p.UOffsets[b + 1] - lo;
        _factored[b] = f.Factor();
        if (!_factored[b]) return false;
        var c = _cand.AsSpan(lo, m);
        _rhs.AsSpan(lo, m).CopyTo(c);
        f.SolveLower(c);
        f.SolveUpperTransposed(c);
        var (_, diff, y) = _crossedScratch[b];
        for (int j = 0; j < m; j++) diff[j] = c[j] - _u[lo + j];
        f.MultiplyTransposed(diff, y);
        double d = 0;
        for (int j = 0; j < m; j++) d += y[j] * y[j];
        decrease = d;
        return true;
    }
}

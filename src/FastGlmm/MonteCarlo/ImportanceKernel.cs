using System.Runtime.CompilerServices;

namespace FastGlmm.MonteCarlo;

/// <summary>
/// The Monte Carlo likelihood's per-draw and per-block math, written once for every backend's CPU path
/// (the CUDA kernels in <c>kernels/importance.cu</c> implement the same formulas):
/// lw_k = Σ_i ℓ_i(η_ik) + log φ(b_k; 0, Σ(M)) − log f̃(b_k), η_ik = offset_i + x_i'β + z_i'b_k, and the reduction
/// of a block's (lw_k, G_k) to a <see cref="BlockEstimate"/>.
/// </summary>
public static class ImportanceKernel
{
    /// <summary>
    /// lw for one draw b of block <paramref name="block"/>. Writes G = ∇lw (d = p + #θ: Σ_i ℓ'_i x_i, then the
    /// prior's gradient in M) and −ℓ''_i for the block's rows into <paramref name="curvature"/>.
    /// </summary>
    /// <param name="design">The layout.</param>
    /// <param name="block">The block.</param>
    /// <param name="fixedPart">offset_i + x_i'β for every row (n).</param>
    /// <param name="precision">Packed M.</param>
    /// <param name="b">The draw (q_b).</param>
    /// <param name="stats">Its packed S_t.</param>
    /// <param name="logProposal">log f̃(b).</param>
    /// <param name="priorConstant">−(q_b/2) log 2π.</param>
    /// <param name="gradient">Receives G (d).</param>
    /// <param name="curvature">Receives −ℓ''_i per row of the block.</param>
    /// <param name="scratch">Workspace of 2 × (rows of the block).</param>
    public static double LogWeight<TLik>(ImportanceDesign design, int block, ReadOnlySpan<double> fixedPart,
        ReadOnlySpan<double> precision, ReadOnlySpan<double> b, ReadOnlySpan<double> stats, double logProposal,
        double priorConstant, Span<double> gradient, Span<double> curvature, Span<double> scratch)
        where TLik : struct, IConditionalLogLikelihood
    {
        var prob = design.Problem;
        int p = prob.P, k = prob.K, r0 = prob.RowOffsets[block], rows = prob.RowOffsets[block + 1] - r0;
        var z = prob.Z;
        var slot = prob.Slot;
        var eta = scratch[..rows];
        var d1 = scratch.Slice(rows, rows);
        for (int r = 0; r < rows; r++)
        {
            long o = (long)(r0 + r) * k;
            double e = fixedPart[r0 + r];
            for (int j = 0; j < k; j++) e += z[o + j] * b[slot[o + j]];
            eta[r] = e;
        }
        double ll = TLik.EvaluateMany(eta, prob.Y.AsSpan(r0, rows), prob.Weights.AsSpan(r0, rows), d1, curvature[..rows]);
        var gb = gradient[..p];
        gb.Clear();
        var x = design.XRows.AsSpan((int)((long)r0 * p), rows * p);
        for (int r = 0; r < rows; r++)
        {
            double g = d1[r];
            var xr = x.Slice(r * p, p);
            for (int j = 0; j < p; j++) gb[j] += g * xr[j];
        }
        double lp = PrecisionFactor.LogPrior(prob.Layout, precision, design.Levels(block), stats, gradient[p..]);
        return ll + lp + priorConstant - logProposal;
    }

    /// <summary>
    /// Reduces a block's draws to <paramref name="result"/>. <paramref name="rowCurvature"/> holds, per row of the
    /// block, Σ_k e^{lw_k − a}(−ℓ''_ik) with a = max_k lw_k, which gives Σ_k v_k ∇²_β lw_k = −Σ_i (that / Σ e^{lw−a}) x_i x_i'.
    /// </summary>
    /// <param name="design">The layout.</param>
    /// <param name="block">The block.</param>
    /// <param name="precision">Packed M.</param>
    /// <param name="logWeights">lw_k (m).</param>
    /// <param name="gradients">G_k (m × d row-major).</param>
    /// <param name="stats">S_k (m × #θ row-major).</param>
    /// <param name="rowCurvature">The weighted curvature per row, relative to a = max lw.</param>
    /// <param name="result">Receives the estimates.</param>
    public static void Reduce(ImportanceDesign design, int block, ReadOnlySpan<double> precision, ReadOnlySpan<double> logWeights,
        ReadOnlySpan<double> gradients, ReadOnlySpan<double> stats, ReadOnlySpan<double> rowCurvature, BlockEstimate result)
    {
        var prob = design.Problem;
        int m = logWeights.Length, p = prob.P, nt = prob.Layout.Count, d = p + nt;
        result.Draws = m;
        var g = result.Gradient;
        var h = result.Hessian;
        var v2 = result.GradientCovariance;
        Array.Clear(g);
        Array.Clear(h);
        Array.Clear(v2);
        double a = double.NegativeInfinity;
        foreach (var lw in logWeights) if (lw > a) a = lw;
        if (!double.IsFinite(a))
        {
            result.LogMeanExp = double.NegativeInfinity;
            result.SumSquaredWeights = 1;
            return;
        }
        double sum = 0;
        foreach (var lw in logWeights) sum += Math.Exp(lw - a);
        result.LogMeanExp = a + Math.Log(sum) - Math.Log(m);
        Span<double> sbar = stackalloc double[nt];
        double sw2 = 0;
        for (int k = 0; k < m; k++)
        {
            double v = Math.Exp(logWeights[k] - a) / sum;
            if (v == 0) continue;
            sw2 += v * v;
            var gk = gradients.Slice(k * d, d);
            for (int j = 0; j < d; j++) g[j] += v * gk[j];
            var sk = stats.Slice(k * nt, nt);
            for (int j = 0; j < nt; j++) sbar[j] += v * sk[j];
        }
        result.SumSquaredWeights = sw2;
        Span<double> dev = stackalloc double[d];
        for (int k = 0; k < m; k++)
        {
            double v = Math.Exp(logWeights[k] - a) / sum;
            if (v == 0) continue;
            var gk = gradients.Slice(k * d, d);
            for (int j = 0; j < d; j++) dev[j] = gk[j] - g[j];
            double vv = v * v;
            for (int r = 0; r < d; r++)
            {
                double vr = v * dev[r], wr = vv * dev[r];
                for (int c = 0; c <= r; c++)
                {
                    h[r * d + c] += vr * dev[c];
                    v2[r * d + c] += wr * dev[c];
                }
            }
        }
        int r0 = prob.RowOffsets[block];
        for (int i = 0; i < rowCurvature.Length; i++)
        {
            double c = rowCurvature[i] / sum;
            long xo = (long)(r0 + i) * p;
            for (int r = 0; r < p; r++)
            {
                double xr = c * design.XRows[xo + r];
                for (int s = 0; s <= r; s++) h[r * d + s] -= xr * design.XRows[xo + s];
            }
        }
        // Symmetrize (the lower triangles were accumulated), then add the prior's curvature.
        for (int r = 0; r < d; r++)
            for (int c = 0; c < r; c++)
            {
                h[c * d + r] = h[r * d + c];
                v2[c * d + r] = v2[r * d + c];
            }
        PrecisionFactor.AddCurvature(prob.Layout, precision, design.Levels(block), sbar, h, d, p);
    }
}

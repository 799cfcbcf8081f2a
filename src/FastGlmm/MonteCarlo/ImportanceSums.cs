namespace FastGlmm.MonteCarlo;

/// <summary>
/// A block's importance-weight sums in the form a batched backend reduces them to, and their conversion to a
/// <see cref="BlockEstimate"/>. With a = max_k lw_k and e_k = e^{lw_k − a} over the block's m draws, the first
/// pass gives <c>sums</c> = [Σe, Σe², Σe G (d), Σe S (#θ), Σe H^β (p(p+1)/2)], H^β_k = ∇²_β lw_k = Σ_i ℓ''_ik x_i x_i'
/// packed as lower triangles row by row; the second, with g = Σe G / Σe and D_k = G_k − g, gives
/// <c>moments</c> = [Σe D D', Σe² D D'] (each d(d+1)/2, lower triangles row by row). Then v_k = e_k/Σe and
/// the estimates are those <see cref="ImportanceKernel.Reduce"/> computes from the draws directly:
/// H = Σe (H^β ⊕ 0) / Σe + Σe D D' / Σe + the prior's curvature at S̄ = Σe S / Σe, V = Σe² D D' / (Σe)².
/// </summary>
public static class ImportanceSums
{
    /// <summary>Entries of <c>sums</c>: 2 + d + #θ + p(p+1)/2.</summary>
    public static int SumsWidth(int p, int thetaCount) => 2 + p + 2 * thetaCount + p * (p + 1) / 2;

    /// <summary>Entries of <c>moments</c>: d(d+1).</summary>
    public static int MomentsWidth(int d) => d * (d + 1);

    /// <summary>Fills <paramref name="result"/> for block <paramref name="block"/> from its sums.</summary>
    /// <param name="design">The layout.</param>
    /// <param name="block">The block.</param>
    /// <param name="precision">Packed M.</param>
    /// <param name="draws">m.</param>
    /// <param name="maxLogWeight">a = max_k lw_k (−∞ when every weight is 0).</param>
    /// <param name="sums">The first pass's sums (<see cref="SumsWidth"/>).</param>
    /// <param name="moments">The second pass's sums (<see cref="MomentsWidth"/>).</param>
    /// <param name="result">Receives the estimates.</param>
    public static void ToEstimate(ImportanceDesign design, int block, ReadOnlySpan<double> precision, int draws, double maxLogWeight,
        ReadOnlySpan<double> sums, ReadOnlySpan<double> moments, BlockEstimate result)
    {
        var layout = design.Problem.Layout;
        int p = design.Problem.P, nt = layout.Count, d = p + nt, tri = d * (d + 1) / 2;
        result.Draws = draws;
        Array.Clear(result.Gradient);
        Array.Clear(result.Hessian);
        Array.Clear(result.GradientCovariance);
        double total = sums[0];
        if (!double.IsFinite(maxLogWeight) || !(total > 0))
        {
            result.LogMeanExp = double.NegativeInfinity;
            result.SumSquaredWeights = 1;
            return;
        }
        result.LogMeanExp = maxLogWeight + Math.Log(total) - Math.Log(draws);
        result.SumSquaredWeights = sums[1] / (total * total);
        for (int j = 0; j < d; j++) result.Gradient[j] = sums[2 + j] / total;
        Span<double> sbar = stackalloc double[nt];
        for (int j = 0; j < nt; j++) sbar[j] = sums[2 + d + j] / total;
        var h = result.Hessian;
        var v = result.GradientCovariance;
        for (int r = 0; r < d; r++)
            for (int c = 0; c <= r; c++)
            {
                int at = r * (r + 1) / 2 + c;
                double hv = moments[at] / total;
                if (r < p) hv += sums[2 + d + nt + at] / total;
                h[r * d + c] = h[c * d + r] = hv;
                v[r * d + c] = v[c * d + r] = moments[tri + at] / (total * total);
            }
        PrecisionFactor.AddCurvature(layout, precision, design.Levels(block), sbar, h, d, p);
    }
}

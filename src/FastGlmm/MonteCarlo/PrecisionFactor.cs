using FastGlmm.Model;

namespace FastGlmm.MonteCarlo;

/// <summary>
/// The parameterization of the random-effects covariance that Monte Carlo maximum likelihood optimizes:
/// per term t, the lower-triangular Cholesky factor M_t of the precision, Σ_t⁻¹ = M_t'M_t, so
/// M_t = T_t⁻¹ with T_t lme4's relative factor (Σ_t = T_t T_t' for a GLMM). M_t is packed as θ is
/// (column by column, the diagonal first), so the packed vector has <see cref="ThetaLayout.Count"/> entries.
/// </summary>
/// <remarks>
/// For one draw of a block's random effects, with n_t levels of term t in the block and the sufficient
/// statistic S_t = Σ_levels b_ℓ b_ℓ' (q_t × q_t, packed the same way), the log prior density is
/// log φ(b; 0, Σ) = Σ_t [n_t Σ_i log M_t,ii − ½ tr(M_t S_t M_t')] − (Σ_t n_t q_t / 2) log 2π. In M it is concave:
/// ∂/∂M_ij = n_t δ_ij / M_ii − (M_t S_t)_ij, and ∂²/∂M_ij ∂M_i'j' = −δ_ii' S_jj' − δ_ij δ_i'j' δ_ii' n_t / M_ii².
/// </remarks>
public static class PrecisionFactor
{
    /// <summary>The packed M = T⁻¹ of every term from θ (NaN entries where a diagonal θ is 0).</summary>
    public static double[] FromTheta(ThetaLayout layout, ReadOnlySpan<double> theta) => InvertAll(layout, theta);

    /// <summary>θ, the packed T = M⁻¹ of every term, from the packed precision factors.</summary>
    public static double[] ToTheta(ThetaLayout layout, ReadOnlySpan<double> precision) => InvertAll(layout, precision);

    /// <summary>True when every diagonal entry of every M_t is finite and positive.</summary>
    public static bool IsValid(ThetaLayout layout, ReadOnlySpan<double> precision)
    {
        for (int k = 0; k < layout.Count; k++)
        {
            if (!double.IsFinite(precision[k])) return false;
            if (layout.IsDiagonal(k) && !(precision[k] > 0)) return false;
        }
        return true;
    }

    /// <summary>
    /// Σ_t [n_t Σ_i log M_ii − ½ tr(M_t S_t M_t')] for one draw, and its gradient in the packed M written to
    /// <paramref name="gradient"/> (length #θ). Terms with n_t = 0 contribute nothing.
    /// </summary>
    /// <param name="layout">The θ layout.</param>
    /// <param name="precision">Packed M.</param>
    /// <param name="levels">n_t per term (levels of the term in this block).</param>
    /// <param name="stats">Packed S_t of the draw.</param>
    /// <param name="gradient">Receives the gradient.</param>
    public static double LogPrior(ThetaLayout layout, ReadOnlySpan<double> precision, ReadOnlySpan<int> levels,
        ReadOnlySpan<double> stats, Span<double> gradient)
    {
        double value = 0;
        for (int t = 0; t < layout.TermCount; t++)
        {
            int q = layout.Columns(t), o = layout.Offset(t), n = levels[t];
            if (n == 0)
            {
                gradient.Slice(o, q * (q + 1) / 2).Clear();
                continue;
            }
            if (q == 1)
            {
                double m = precision[o], s = stats[o];
                value += n * Math.Log(m) - 0.5 * m * m * s;
                gradient[o] = n / m - m * s;
                continue;
            }
            for (int j = 0; j < q; j++)
                for (int i = j; i < q; i++)
                {
                    // (M S)_ij = Σ_{l ≤ i} M_il S_lj.
                    double ms = 0;
                    for (int l = 0; l <= i; l++) ms += precision[o + Index(q, i, l)] * stats[o + Index(q, Math.Max(l, j), Math.Min(l, j))];
                    double mij = precision[o + Index(q, i, j)];
                    value -= 0.5 * mij * ms;
                    gradient[o + Index(q, i, j)] = (i == j ? n / mij : 0) - ms;
                    if (i == j) value += n * Math.Log(mij);
                }
        }
        return value;
    }

    /// <summary>
    /// Adds Σ_k v_k ∇² of <see cref="LogPrior"/> to the θ block of <paramref name="hessian"/> (d × d, row-major,
    /// the θ entries starting at row and column <paramref name="at"/>), given the weighted statistics
    /// S̄ = Σ_k v_k S_k and Σ_k v_k = 1.
    /// </summary>
    public static void AddCurvature(ThetaLayout layout, ReadOnlySpan<double> precision, ReadOnlySpan<int> levels,
        ReadOnlySpan<double> weightedStats, Span<double> hessian, int d, int at)
    {
        for (int t = 0; t < layout.TermCount; t++)
        {
            int q = layout.Columns(t), o = layout.Offset(t), n = levels[t];
            if (n == 0) continue;
            for (int j = 0; j < q; j++)
                for (int i = j; i < q; i++)
                {
                    int a = at + o + Index(q, i, j);
                    for (int j2 = 0; j2 <= i; j2++)
                    {
                        int b = at + o + Index(q, i, j2);
                        hessian[a * d + b] -= weightedStats[o + Index(q, Math.Max(j, j2), Math.Min(j, j2))];
                    }
                    if (i == j)
                    {
                        double m = precision[o + Index(q, i, i)];
                        hessian[a * d + a] -= n / (m * m);
                    }
                }
        }
    }

    /// <summary>Position of entry (i, j), i ≥ j, of a packed q × q lower-triangular matrix (column by column).</summary>
    public static int Index(int q, int i, int j) => ThetaLayout.PackedIndex(q, i, j);

    private static double[] InvertAll(ThetaLayout layout, ReadOnlySpan<double> packed)
    {
        var result = new double[layout.Count];
        for (int t = 0; t < layout.TermCount; t++)
        {
            int q = layout.Columns(t), o = layout.Offset(t);
            // Forward substitution for the inverse of a lower-triangular matrix, column by column.
            for (int c = 0; c < q; c++)
                for (int i = c; i < q; i++)
                {
                    double s = i == c ? 1 : 0;
                    for (int l = c; l < i; l++) s -= packed[o + Index(q, i, l)] * result[o + Index(q, l, c)];
                    double d = packed[o + Index(q, i, i)];
                    result[o + Index(q, i, c)] = d == 0 ? double.NaN : s / d;
                }
        }
        return result;
    }
}

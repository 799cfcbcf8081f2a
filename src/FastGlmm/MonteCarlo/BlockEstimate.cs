namespace FastGlmm.MonteCarlo;

/// <summary>
/// One block's Monte Carlo estimates at a parameter point ψ = (β, M) of dimension d, from its m importance
/// draws with log weights lw_k and per-draw gradients G_k = ∇lw_k, normalized weights v_k = e^{lw_k}/Σ e^{lw}:
/// the log-mean-exp ℓ_b = log(m⁻¹ Σ e^{lw_k}), its gradient g_b = Σ v_k G_k, its Hessian
/// H_b = Σ v_k ∇²lw_k + Σ v_k (G_k − g_b)(G_k − g_b)', the Monte Carlo covariance of g_b,
/// V_b = Σ v_k² (G_k − g_b)(G_k − g_b)', and Σ v_k² (the effective sample size is its inverse).
/// </summary>
public sealed class BlockEstimate
{
    /// <summary>Allocates for dimension d.</summary>
    public BlockEstimate(int d)
    {
        Gradient = new double[d];
        Hessian = new double[d * d];
        GradientCovariance = new double[d * d];
    }

    /// <summary>ℓ_b (−∞ when every weight is 0).</summary>
    public double LogMeanExp { get; set; }

    /// <summary>g_b (d).</summary>
    public double[] Gradient { get; }

    /// <summary>H_b (d × d row-major).</summary>
    public double[] Hessian { get; }

    /// <summary>V_b (d × d row-major).</summary>
    public double[] GradientCovariance { get; }

    /// <summary>Σ v_k².</summary>
    public double SumSquaredWeights { get; set; }

    /// <summary>Draws m.</summary>
    public int Draws { get; set; }

    /// <summary>Effective sample size 1 / Σ v_k².</summary>
    public double EffectiveSampleSize => 1 / SumSquaredWeights;

    /// <summary>
    /// The Monte Carlo variance of ℓ_b, Var(e^{lw})/(m E[e^{lw}]²) estimated by Σ v_k² − 1/m (delta method).
    /// </summary>
    public double LogMeanExpVariance => Math.Max(0, SumSquaredWeights - 1.0 / Draws);
}

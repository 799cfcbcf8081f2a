using FastGlmm.Backends;

namespace FastGlmm.MonteCarlo;

/// <summary>
/// The Monte Carlo likelihood approximation at ψ = (β, M) summed over blocks: ℓ_m(ψ) = C + Σ_b ℓ_b(ψ), with C the
/// family's normalizing constant (so ℓ_m estimates the fully normalized log-likelihood, on the scale of
/// Laplace and AGQ), gradient Σ_b g_b, Hessian Σ_b H_b, the Monte Carlo covariance of the gradient Σ_b V_b,
/// the Monte Carlo variance of ℓ_m, Σ_b Var(ℓ_b), and each block's effective sample size.
/// </summary>
/// <param name="LogLik">ℓ_m (−∞ outside the domain).</param>
/// <param name="Gradient">∇ℓ_m (d = p + #θ).</param>
/// <param name="Hessian">∇²ℓ_m (d × d row-major).</param>
/// <param name="GradientCovariance">Σ_b V_b (d × d row-major).</param>
/// <param name="LogLikVariance">Σ_b Var(ℓ_b).</param>
/// <param name="EffectiveSampleSizes">1/Σ v_k² per block.</param>
public sealed record McmlEvaluation(double LogLik, double[] Gradient, double[] Hessian, double[] GradientCovariance,
    double LogLikVariance, double[] EffectiveSampleSizes);

/// <summary>Evaluates the MCLA through an <see cref="IImportanceBackend"/>.</summary>
public sealed class McmlLikelihood
{
    private readonly IImportanceBackend _backend;
    private readonly BlockEstimate[] _blocks;
    private readonly double _constant;

    /// <summary>Wraps a backend over a sample of <paramref name="design"/>'s blocks.</summary>
    public McmlLikelihood(ImportanceDesign design, IImportanceBackend backend)
    {
        _backend = backend;
        var prob = design.Problem;
        P = prob.P;
        ThetaCount = prob.Layout.Count;
        _blocks = Enumerable.Range(0, prob.BlockCount).Select(_ => new BlockEstimate(P + ThetaCount)).ToArray();
        _constant = ConditionalLogLikelihood.NormalizingConstant(prob.Family, prob.Y, prob.Weights);
    }

    /// <summary>p, the fixed effects (ψ's first entries).</summary>
    public int P { get; }

    /// <summary>#θ, the precision-factor entries (ψ's last entries).</summary>
    public int ThetaCount { get; }

    /// <summary>Evaluates at ψ = (β, M).</summary>
    public McmlEvaluation Evaluate(ReadOnlySpan<double> psi)
    {
        int d = P + ThetaCount;
        _backend.Evaluate(psi[..P], psi[P..], _blocks);
        double ll = _constant, var = 0;
        var g = new double[d];
        var h = new double[d * d];
        var v = new double[d * d];
        var ess = new double[_blocks.Length];
        for (int b = 0; b < _blocks.Length; b++)
        {
            var e = _blocks[b];
            ll += e.LogMeanExp;
            var += e.LogMeanExpVariance;
            ess[b] = e.EffectiveSampleSize;
            for (int j = 0; j < d; j++) g[j] += e.Gradient[j];
            for (int j = 0; j < d * d; j++)
            {
                h[j] += e.Hessian[j];
                v[j] += e.GradientCovariance[j];
            }
        }
        if (double.IsNaN(ll)) ll = double.NegativeInfinity;
        return new McmlEvaluation(ll, g, h, v, var, ess);
    }
}

namespace FastGlmm.Families;

/// <summary>
/// Stable integer codes of the response distributions. The same numbers are used by the GPU kernels
/// (<c>kernels/</c>) and in saved results, so they must never be renumbered.
/// </summary>
public enum FamilyId
{
    /// <summary>Normal errors; a linear mixed model when the link is identity.</summary>
    Gaussian = 1,
    /// <summary>Binomial proportions with prior weights = trials (Bernoulli when trials are 1).</summary>
    Binomial = 2,
    /// <summary>Poisson counts.</summary>
    Poisson = 3,
    /// <summary>Gamma with constant shape (positive continuous responses).</summary>
    Gamma = 4,
    /// <summary>
    /// Negative binomial with variance μ + μ²/k (glmmTMB's nbinom2, lme4's glmer.nb; k the size, glmmTMB's sigma()),
    /// k estimated with the other parameters. Fitted by its own Laplace path (not the struct operators or GPU kernels).
    /// </summary>
    NegativeBinomial2 = 5,
    /// <summary>
    /// Negative binomial with variance μ(1 + φ) (glmmTMB's nbinom1: size μ/φ), φ estimated with the other parameters; fitted
    /// by the same CPU Laplace path as <see cref="NegativeBinomial2"/>.
    /// </summary>
    NegativeBinomial1 = 6,
    /// <summary>Zero-truncated Poisson (glmmTMB's truncated_poisson): with a zero model, the hurdle Poisson.</summary>
    TruncatedPoisson = 7,
    /// <summary>Zero-truncated nbinom2 (glmmTMB's truncated_nbinom2): with a zero model, the hurdle negative binomial.</summary>
    TruncatedNegativeBinomial2 = 8,
    /// <summary>Zero-truncated nbinom1 (glmmTMB's truncated_nbinom1).</summary>
    TruncatedNegativeBinomial1 = 9,
    /// <summary>Beta with mean μ and precision φ (glmmTMB's beta_family, logit link): Var y = μ(1 − μ)/(1 + φ).</summary>
    Beta = 10,
    /// <summary>Tweedie with 1 &lt; p &lt; 2 (glmmTMB's tweedie, log link): Var y = φμ^p, φ and p estimated.</summary>
    Tweedie = 11,

    /// <summary>Inverse Gaussian (R's inverse.gaussian(), fitted as lme4's glmer fits it).</summary>
    InverseGaussian = 12,
}

/// <summary>Stable integer codes of the link functions g, with η = g(μ). Never renumber.</summary>
public enum LinkId
{
    /// <summary>g(μ) = μ.</summary>
    Identity = 1,
    /// <summary>g(μ) = log μ.</summary>
    Log = 2,
    /// <summary>g(μ) = log(μ / (1 − μ)).</summary>
    Logit = 3,
    /// <summary>g(μ) = Φ⁻¹(μ).</summary>
    Probit = 4,
    /// <summary>g(μ) = log(−log(1 − μ)).</summary>
    Cloglog = 5,
    /// <summary>g(μ) = 1/μ.</summary>
    Inverse = 6,
    /// <summary>g(μ) = √μ.</summary>
    Sqrt = 7,
    /// <summary>g(μ) = tan(π(μ − ½)), the standard Cauchy quantile.</summary>
    Cauchit = 8,

    /// <summary>R's 1/mu^2, the inverse Gaussian family's canonical link.</summary>
    InverseSquare = 9,
}

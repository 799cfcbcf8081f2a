namespace FastGlmm.Families;

/// <summary>
/// A family and link as one object, for cold paths (set-up, reporting, tests): the same functions as the
/// struct operators (<see cref="ILink"/>, <see cref="IDistribution"/>), dispatched by a switch per call.
/// Hot loops should use <see cref="FamilyDispatch"/> instead. Immutable and thread-safe.
/// </summary>
public sealed class Family
{
    private Family(FamilySpec spec, double size, double power) => (Spec, Size, Power) = (spec, size, power);

    /// <summary>
    /// The family for <paramref name="spec"/> (any FamilyId × LinkId pair); a negative binomial needs its size k
    /// (<paramref name="size"/>), the parameter its fit estimates.
    /// </summary>
    /// <param name="spec">Family and link.</param>
    /// <param name="size">The fitted parameter: the size k &gt; 0 (nbinom2), φ &gt; 0 (nbinom1) or the precision φ (beta); ignored by the other families.</param>
    /// <param name="power">Tweedie's power 1 &lt; p &lt; 2 (ignored by the other families).</param>
    /// <exception cref="ArgumentOutOfRangeException">The family or link code is not defined, or a negative binomial has no valid k.</exception>
    public static Family For(FamilySpec spec, double? size = null, double? power = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!Enum.IsDefined(spec.Family)) throw new ArgumentOutOfRangeException(nameof(spec), spec.Family, "unknown family code");
        if (!Enum.IsDefined(spec.Link)) throw new ArgumentOutOfRangeException(nameof(spec), spec.Link, "unknown link code");
        if ((spec.IsNegativeBinomial || spec.Family is FamilyId.Beta or FamilyId.Tweedie) && !(size is > 0))
            throw new ArgumentOutOfRangeException(nameof(size), size, "a negative binomial or beta family needs its fitted parameter (k or φ) > 0");
        if (spec.Family == FamilyId.Tweedie && !(power is > 1 and < 2))
            throw new ArgumentOutOfRangeException(nameof(power), power, "a Tweedie family needs its power 1 < p < 2");
        return new Family(spec, size ?? double.NaN, power ?? double.NaN);
    }

    /// <summary>The family and link codes.</summary>
    public FamilySpec Spec { get; }

    /// <summary>The fitted parameter: nbinom2's k, nbinom1's φ, beta's precision φ or Tweedie's φ; NaN for the other families.</summary>
    public double Size { get; }

    /// <summary>Tweedie's power p (NaN for the other families).</summary>
    public double Power { get; }

    /// <summary>The family code.</summary>
    public FamilyId FamilyId => Spec.Family;

    /// <summary>The link code.</summary>
    public LinkId LinkId => Spec.Link;

    /// <summary>R's family name: gaussian, binomial, poisson, Gamma, nbinom2.</summary>
    public string Name => FamilySpec.Name(Spec.Family);

    /// <summary>R's link name: identity, log, logit, probit, cloglog, inverse.</summary>
    public string LinkName => FamilySpec.Name(Spec.Link);

    /// <summary>True when the link is the family's canonical link (then Fisher and observed information agree).</summary>
    public bool IsCanonical => Spec.Link == Spec.Family switch
    {
        FamilyId.Gaussian => GaussianDistribution.CanonicalLink,
        FamilyId.Binomial => BinomialDistribution.CanonicalLink,
        FamilyId.Poisson => PoissonDistribution.CanonicalLink,
        FamilyId.Gamma => GammaDistribution.CanonicalLink,
        FamilyId.InverseGaussian => InverseGaussianDistribution.CanonicalLink,
        _ => (LinkId)0,
    };

    /// <summary>True for families with an estimated scale (gaussian σ², Gamma φ, the negative binomial's k).</summary>
    public bool HasScale => Spec.Family is FamilyId.Gaussian or FamilyId.Gamma or FamilyId.InverseGaussian or FamilyId.NegativeBinomial2 or FamilyId.NegativeBinomial1
        or FamilyId.Beta or FamilyId.Tweedie;

    /// <summary>μ = g⁻¹(η), clamped as lme4 (see the link structs).</summary>
    /// <param name="eta">Linear predictor.</param>
    public double LinkInverse(double eta) => Spec.Link switch
    {
        LinkId.Identity => IdentityLink.LinkInverse(eta),
        LinkId.Log => LogLink.LinkInverse(eta),
        LinkId.Logit => LogitLink.LinkInverse(eta),
        LinkId.Probit => ProbitLink.LinkInverse(eta),
        LinkId.Cloglog => CloglogLink.LinkInverse(eta),
        LinkId.Sqrt => SqrtLink.LinkInverse(eta),
        LinkId.Cauchit => CauchitLink.LinkInverse(eta),
        LinkId.InverseSquare => InverseSquareLink.LinkInverse(eta),
        _ => InverseLink.LinkInverse(eta),
    };

    /// <summary>dμ/dη at η, clamped as lme4 (see the link structs).</summary>
    /// <param name="eta">Linear predictor.</param>
    public double MuEta(double eta) => Spec.Link switch
    {
        LinkId.Identity => IdentityLink.MuEta(eta),
        LinkId.Log => LogLink.MuEta(eta),
        LinkId.Logit => LogitLink.MuEta(eta),
        LinkId.Probit => ProbitLink.MuEta(eta),
        LinkId.Cloglog => CloglogLink.MuEta(eta),
        LinkId.Sqrt => SqrtLink.MuEta(eta),
        LinkId.Cauchit => CauchitLink.MuEta(eta),
        LinkId.InverseSquare => InverseSquareLink.MuEta(eta),
        _ => InverseLink.MuEta(eta),
    };

    /// <summary>η = g(μ).</summary>
    /// <param name="mu">Mean.</param>
    public double Link(double mu) => Spec.Link switch
    {
        LinkId.Identity => IdentityLink.Link(mu),
        LinkId.Log => LogLink.Link(mu),
        LinkId.Logit => LogitLink.Link(mu),
        LinkId.Probit => ProbitLink.Link(mu),
        LinkId.Cloglog => CloglogLink.Link(mu),
        LinkId.Sqrt => SqrtLink.Link(mu),
        LinkId.Cauchit => CauchitLink.Link(mu),
        LinkId.InverseSquare => InverseSquareLink.Link(mu),
        _ => InverseLink.Link(mu),
    };

    /// <summary>The variance function V(μ) (a truncated family's untruncated one, as the next three).</summary>
    /// <param name="mu">Mean.</param>
    public double Variance(double mu) => Spec.Untruncated switch
    {
        FamilyId.Gaussian => GaussianDistribution.Variance(mu),
        FamilyId.Binomial => BinomialDistribution.Variance(mu),
        FamilyId.Poisson => PoissonDistribution.Variance(mu),
        FamilyId.Gamma => GammaDistribution.Variance(mu),
        FamilyId.InverseGaussian => InverseGaussianDistribution.Variance(mu),
        FamilyId.NegativeBinomial2 => NegativeBinomial.Variance(mu, Size),
        FamilyId.NegativeBinomial1 => mu * (1 + Size),
        FamilyId.Beta => mu * (1 - mu) / (1 + Size),
        FamilyId.Tweedie => Size * Math.Pow(mu, Power),
        _ => throw Unknown(),
    };

    /// <summary>The deviance residual dᵢ (R's <c>dev.resids</c>).</summary>
    /// <param name="y">Response (binomial: proportion).</param>
    /// <param name="mu">Mean.</param>
    /// <param name="wt">Prior weight (binomial: trials).</param>
    public double DevianceResidual(double y, double mu, double wt) => Spec.Untruncated switch
    {
        FamilyId.Gaussian => GaussianDistribution.DevianceResidual(y, mu, wt),
        FamilyId.Binomial => BinomialDistribution.DevianceResidual(y, mu, wt),
        FamilyId.Poisson => PoissonDistribution.DevianceResidual(y, mu, wt),
        FamilyId.Gamma => GammaDistribution.DevianceResidual(y, mu, wt),
        FamilyId.InverseGaussian => InverseGaussianDistribution.DevianceResidual(y, mu, wt),
        FamilyId.NegativeBinomial2 => NegativeBinomial.DevianceResidual(y, mu, wt, Size),
        FamilyId.NegativeBinomial1 => 2 * wt * (NegativeBinomial.LogDensity1(y, y, Size) - NegativeBinomial.LogDensity1(y, mu, Size)),
        FamilyId.Beta => double.NaN, // not defined (glmmTMB has none either)
        FamilyId.Tweedie => Tweedie.DevianceResidual(y, mu, wt, Power),
        _ => throw Unknown(),
    };

    /// <summary>The weighted log density at dispersion 1 (see <see cref="IDistribution.LogDensity(double, double, double)"/>).</summary>
    /// <param name="y">Response (binomial: proportion).</param>
    /// <param name="mu">Mean.</param>
    /// <param name="wt">Prior weight (binomial: trials).</param>
    public double LogDensity(double y, double mu, double wt) => LogDensity(y, mu, wt, 1.0);

    /// <summary>The weighted log density with dispersion φ (gaussian σ², Gamma φ; ignored otherwise).</summary>
    /// <param name="y">Response (binomial: proportion).</param>
    /// <param name="mu">Mean.</param>
    /// <param name="wt">Prior weight (binomial: trials).</param>
    /// <param name="dispersion">Dispersion φ &gt; 0.</param>
    public double LogDensity(double y, double mu, double wt, double dispersion) => Spec.Untruncated switch
    {
        FamilyId.Gaussian => GaussianDistribution.LogDensity(y, mu, wt, dispersion),
        FamilyId.Binomial => BinomialDistribution.LogDensity(y, mu, wt),
        FamilyId.Poisson => PoissonDistribution.LogDensity(y, mu, wt),
        FamilyId.Gamma => GammaDistribution.LogDensity(y, mu, wt, dispersion),
        FamilyId.InverseGaussian => InverseGaussianDistribution.LogDensity(y, mu, wt, dispersion),
        FamilyId.NegativeBinomial2 => wt * NegativeBinomial.LogDensity(y, mu, Size),
        FamilyId.NegativeBinomial1 => wt * NegativeBinomial.LogDensity1(y, mu, Size),
        FamilyId.Beta => wt * BetaLogDensity(y, mu, Size),
        FamilyId.Tweedie => wt * Tweedie.LogDensity(y, mu, Size, Power),
        _ => throw Unknown(),
    };

    /// <summary>R's <c>family$initialize</c> starting mean μ₀.</summary>
    /// <param name="y">Response (binomial: proportion).</param>
    /// <param name="wt">Prior weight (binomial: trials).</param>
    public double InitialMu(double y, double wt) => Spec.Untruncated switch
    {
        FamilyId.Gaussian => GaussianDistribution.InitialMu(y, wt),
        FamilyId.Binomial => BinomialDistribution.InitialMu(y, wt),
        FamilyId.Poisson or FamilyId.NegativeBinomial2 or FamilyId.NegativeBinomial1 => PoissonDistribution.InitialMu(y, wt),
        FamilyId.Gamma or FamilyId.Beta or FamilyId.InverseGaussian => GammaDistribution.InitialMu(y, wt),
        FamilyId.Tweedie => PoissonDistribution.InitialMu(y, wt),
        _ => throw Unknown(),
    };

    /// <summary>log dbeta(y; μφ, (1 − μ)φ).</summary>
    private static double BetaLogDensity(double y, double mu, double phi) =>
        SpecialFunctions.LogGamma(phi) - SpecialFunctions.LogGamma(mu * phi) - SpecialFunctions.LogGamma((1 - mu) * phi)
        + (mu * phi - 1) * Math.Log(y) + ((1 - mu) * phi - 1) * StableMath.Log1p(-y);

    private ArgumentOutOfRangeException Unknown() => new(nameof(Spec), Spec.Family, "unknown family code");

    /// <summary>R's rendering, e.g. <c>binomial(logit)</c>.</summary>
    public override string ToString() => Spec.ToString();
}

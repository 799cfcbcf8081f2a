namespace FastGlmm.Families;

/// <summary>
/// A response distribution (exponential-family part of a GLM family) as a static-abstract struct operator,
/// so generic code constrained to <c>TDist : struct, IDistribution</c> is specialized by the JIT.
/// Conventions (R's and lme4's): y is the response (for the binomial, the proportion of successes),
/// μ the mean, wt the prior weight (for the binomial, the number of trials).
/// </summary>
public interface IDistribution
{
    /// <summary>The stable code of this family (shared with the GPU kernels).</summary>
    static abstract FamilyId Id { get; }

    /// <summary>The canonical link (R's default): identity, logit, log, inverse.</summary>
    static abstract LinkId CanonicalLink { get; }

    /// <summary>True when the family has a free scale/dispersion parameter (Gaussian σ², Gamma φ).</summary>
    static abstract bool HasScale { get; }

    /// <summary>The variance function V(μ) (Var y = φ V(μ)/wt), clamped as lme4 clamps it.</summary>
    /// <param name="mu">Mean μ.</param>
    static abstract double Variance(double mu);

    /// <summary>
    /// The deviance residual dᵢ ≥ 0 of one observation (R's <c>dev.resids</c>; Σ dᵢ is the deviance),
    /// 2 wt [log p(y | μ = y) − log p(y | μ)] for unit dispersion.
    /// </summary>
    /// <param name="y">Response.</param>
    /// <param name="mu">Mean μ.</param>
    /// <param name="wt">Prior weight (binomial: trials).</param>
    static abstract double DevianceResidual(double y, double mu, double wt);

    /// <summary>
    /// The fully normalized log density log p(y | μ) of one observation, weighted as lme4's <c>aic()</c>
    /// weights it (−2 Σ of these is the family's <c>aic</c> without its parameter-count term); families with
    /// a scale use dispersion 1 here — call the four-argument overload with the estimate instead.
    /// </summary>
    /// <param name="y">Response.</param>
    /// <param name="mu">Mean μ.</param>
    /// <param name="wt">Prior weight (binomial: trials).</param>
    static abstract double LogDensity(double y, double mu, double wt);

    /// <summary>
    /// As <see cref="LogDensity(double, double, double)"/> with the dispersion φ (Gaussian: σ²; Gamma: φ = 1/shape);
    /// families without a scale ignore it.
    /// </summary>
    /// <param name="y">Response.</param>
    /// <param name="mu">Mean μ.</param>
    /// <param name="wt">Prior weight (binomial: trials).</param>
    /// <param name="dispersion">Dispersion φ &gt; 0.</param>
    static abstract double LogDensity(double y, double mu, double wt, double dispersion);

    /// <summary>The starting mean of R's <c>family$initialize</c> (<c>mustart</c>) for one observation.</summary>
    /// <param name="y">Response.</param>
    /// <param name="wt">Prior weight (binomial: trials).</param>
    static abstract double InitialMu(double y, double wt);
}

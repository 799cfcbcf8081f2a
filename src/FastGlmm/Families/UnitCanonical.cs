namespace FastGlmm.Families;

/// <summary>
/// Where a canonical link has dμ/dη = V(μ) exactly: binomial(logit), poisson(log) and gaussian(identity). There the IRLS
/// weight is wt·V(μ), the working residual (y − μ)/V(μ), and the score wt(y − μ), without dividing μ' by V. The other
/// canonical links differ by a constant: μ' = −V for Gamma(inverse) and −V/2 for inverse.gaussian(1/mu^2), so they take the
/// general forms. A JIT-time constant for each specialization.
/// </summary>
public static class UnitCanonical
{
    /// <summary>True when μ' = V(μ) for the link and distribution.</summary>
    public static bool Holds<TLink, TDist>() where TLink : struct, ILink where TDist : struct, IDistribution =>
        TDist.CanonicalLink == TLink.Id && TDist.Id is FamilyId.Binomial or FamilyId.Poisson or FamilyId.Gaussian;
}

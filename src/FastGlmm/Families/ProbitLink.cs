using System.Runtime.CompilerServices;
namespace FastGlmm.Families;

/// <summary>
/// The probit link: η = Φ⁻¹(μ), μ = Φ(η) clamped to [ε, 1 − ε], dμ/dη = max(φ(η), ε).
/// lme4 1.1-31's C++ <c>probitLink</c> clamps only μ ≤ 1 − ε and does not floor dμ/dη, so for η &lt; −8.13
/// it returns μ = Φ(η) &lt; ε (0 below η ≈ −37.5) and for |η| &gt; 8.3 dμ/dη = φ(η) &lt; ε (0 beyond 38.6),
/// which makes the working response (y − μ)/μ' infinite or NaN. FastGlmm deliberately uses the symmetric
/// clamps instead (the floors of R's <c>binomial("probit")</c>, which clamps η to ±8.1259, up to 7e-15 relative).
/// </summary>
public readonly struct ProbitLink : ILink
{
    /// <summary><see cref="LinkId.Probit"/>.</summary>
    public static LinkId Id => LinkId.Probit;

    /// <summary>μ = min(max(Φ(η), ε), 1 − ε).</summary>
    /// <param name="eta">Linear predictor.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LinkInverse(double eta) => Clamps.Probability(StandardNormal.Cdf(eta));

    /// <summary>dμ/dη = max(φ(η), ε).</summary>
    /// <param name="eta">Linear predictor.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MuEta(double eta) => Clamps.AtLeastEpsilon(StandardNormal.Density(eta));

    /// <summary>η = Φ⁻¹(μ) (AS 241; ±∞ at μ = 0, 1; NaN outside [0, 1]).</summary>
    /// <param name="mu">Mean (a probability).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Link(double mu) => StandardNormal.Quantile(mu);
}

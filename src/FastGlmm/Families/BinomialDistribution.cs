using System.Runtime.CompilerServices;
namespace FastGlmm.Families;

/// <summary>
/// The binomial family with y the proportion of successes and wt the number of trials m (Bernoulli: wt = 1).
/// V(μ) = max(μ(1 − μ), ε) (lme4's clamp; R's <c>binomial()$variance</c> has none),
/// dᵢ = 2wt[y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))] with 0·log 0 = 0,
/// log p = (wt/m) log dbinom(round(wt·y); m = round(wt), μ) (lme4's binomial <c>aic()</c>; 0 when m ≤ 0).
/// </summary>
public readonly struct BinomialDistribution : IDistribution
{
    /// <summary><see cref="FamilyId.Binomial"/>.</summary>
    public static FamilyId Id => FamilyId.Binomial;

    /// <summary><see cref="LinkId.Logit"/>.</summary>
    public static LinkId CanonicalLink => LinkId.Logit;

    /// <summary>False: the dispersion is 1.</summary>
    public static bool HasScale => false;

    /// <summary>V(μ) = max(μ(1 − μ), ε).</summary>
    /// <param name="mu">Mean (a probability).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Variance(double mu) => Clamps.AtLeastEpsilon(mu * (1.0 - mu));

    /// <summary>dᵢ = 2wt[y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))], each term 0 when its y-factor is 0.</summary>
    /// <param name="y">Proportion of successes in [0, 1].</param>
    /// <param name="mu">Mean (a probability).</param>
    /// <param name="wt">Trials / prior weight.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double DevianceResidual(double y, double mu, double wt) =>
        2.0 * wt * (YLogYOverMu(y, mu) + YLogYOverMu(1.0 - y, 1.0 - mu));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]

    private static double YLogYOverMu(double y, double mu) => y != 0.0 ? y * Math.Log(y / mu) : 0.0;

    /// <summary>
    /// (wt/m) log dbinom(round(wt·y); m, μ) with m = round(wt) (round half to even, as R); 0 when m ≤ 0.
    /// Includes log C(m, k), so −2 Σ log p equals lme4's binomial <c>aic()</c>.
    /// </summary>
    /// <param name="y">Proportion of successes.</param>
    /// <param name="mu">Mean (a probability).</param>
    /// <param name="wt">Trials / prior weight.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LogDensity(double y, double mu, double wt)
    {
        double m = Math.Round(wt);
        if (!(m > 0)) return 0.0;
        return wt / m * LogDensities.Binomial(Math.Round(wt * y), m, mu);
    }

    /// <summary>As the three-argument overload; the dispersion is ignored.</summary>
    /// <param name="y">Proportion of successes.</param>
    /// <param name="mu">Mean (a probability).</param>
    /// <param name="wt">Trials / prior weight.</param>
    /// <param name="dispersion">Ignored.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LogDensity(double y, double mu, double wt, double dispersion) => LogDensity(y, mu, wt);

    /// <summary>μ₀ = (wt·y + ½)/(wt + 1).</summary>
    /// <param name="y">Proportion of successes.</param>
    /// <param name="wt">Trials / prior weight.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double InitialMu(double y, double wt) => (wt * y + 0.5) / (wt + 1.0);
}

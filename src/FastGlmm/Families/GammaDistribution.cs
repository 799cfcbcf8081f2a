using System.Runtime.CompilerServices;
namespace FastGlmm.Families;

/// <summary>
/// The Gamma family with constant shape 1/φ: y ~ Gamma(shape 1/φ, scale μφ), Var y = φμ².
/// V(μ) = μ², dᵢ = −2wt[log(y/μ) − (y − μ)/μ] (log term 0 at y = 0),
/// log p = wt·log dgamma(y; 1/φ, scale μφ) — lme4's Gamma <c>aic()</c> uses φ = Σdᵢ/Σwt.
/// </summary>
public readonly struct GammaDistribution : IDistribution
{
    /// <summary><see cref="FamilyId.Gamma"/>.</summary>
    public static FamilyId Id => FamilyId.Gamma;

    /// <summary><see cref="LinkId.Inverse"/>.</summary>
    public static LinkId CanonicalLink => LinkId.Inverse;

    /// <summary>True: the dispersion φ is estimated.</summary>
    public static bool HasScale => true;

    /// <summary>V(μ) = μ².</summary>
    /// <param name="mu">Mean.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Variance(double mu) => mu * mu;

    /// <summary>dᵢ = −2wt[log(y/μ) − (y − μ)/μ], with log(y/μ) taken as 0 when y = 0.</summary>
    /// <param name="y">Positive response.</param>
    /// <param name="mu">Mean &gt; 0.</param>
    /// <param name="wt">Prior weight.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double DevianceResidual(double y, double mu, double wt) =>
        -2.0 * wt * (Math.Log(y == 0 ? 1.0 : y / mu) - (y - mu) / mu);

    /// <summary>log p at φ = 1 (the exponential distribution with mean μ), times wt.</summary>
    /// <param name="y">Positive response.</param>
    /// <param name="mu">Mean &gt; 0.</param>
    /// <param name="wt">Prior weight.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LogDensity(double y, double mu, double wt) => LogDensity(y, mu, wt, 1.0);

    /// <summary>wt·log dgamma(y; shape = 1/φ, scale = μφ).</summary>
    /// <param name="y">Positive response.</param>
    /// <param name="mu">Mean &gt; 0.</param>
    /// <param name="wt">Prior weight.</param>
    /// <param name="dispersion">Dispersion φ &gt; 0.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LogDensity(double y, double mu, double wt, double dispersion) =>
        wt * LogDensities.Gamma(y, 1.0 / dispersion, mu * dispersion);

    /// <summary>μ₀ = y.</summary>
    /// <param name="y">Positive response.</param>
    /// <param name="wt">Prior weight (unused).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double InitialMu(double y, double wt) => y;
}

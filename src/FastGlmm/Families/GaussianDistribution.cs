using System.Runtime.CompilerServices;
namespace FastGlmm.Families;

/// <summary>
/// The Gaussian family: y ~ N(μ, σ²/wt). V(μ) = 1, dᵢ = wt (y − μ)²,
/// log p = −½ log(2πσ²/wt) − wt (y − μ)²/(2σ²). Σ −2 log p at σ² = Σdᵢ/n is lme4's gaussian <c>aic()</c> − 2.
/// </summary>
public readonly struct GaussianDistribution : IDistribution
{
    /// <summary><see cref="FamilyId.Gaussian"/>.</summary>
    public static FamilyId Id => FamilyId.Gaussian;

    /// <summary><see cref="LinkId.Identity"/>.</summary>
    public static LinkId CanonicalLink => LinkId.Identity;

    /// <summary>True: σ² is estimated.</summary>
    public static bool HasScale => true;

    /// <summary>V(μ) = 1.</summary>
    /// <param name="mu">Mean (unused).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Variance(double mu) => 1.0;

    /// <summary>dᵢ = wt (y − μ)².</summary>
    /// <param name="y">Response.</param>
    /// <param name="mu">Mean.</param>
    /// <param name="wt">Prior weight.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double DevianceResidual(double y, double mu, double wt) { double r = y - mu; return wt * (r * r); }

    /// <summary>log p at σ² = 1: log φ(y; μ, 1/√wt).</summary>
    /// <param name="y">Response.</param>
    /// <param name="mu">Mean.</param>
    /// <param name="wt">Prior weight &gt; 0.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LogDensity(double y, double mu, double wt) => LogDensity(y, mu, wt, 1.0);

    /// <summary>
    /// log p = R's <c>dnorm(y, μ, √(σ²/wt), log = TRUE)</c>. wt = 0 gives −∞ (an infinitely vague observation).
    /// </summary>
    /// <param name="y">Response.</param>
    /// <param name="mu">Mean.</param>
    /// <param name="wt">Prior weight &gt; 0.</param>
    /// <param name="dispersion">Residual variance σ² &gt; 0.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LogDensity(double y, double mu, double wt, double dispersion) =>
        LogDensities.Normal(y, mu, Math.Sqrt(dispersion / wt));

    /// <summary>μ₀ = y.</summary>
    /// <param name="y">Response.</param>
    /// <param name="wt">Prior weight (unused).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double InitialMu(double y, double wt) => y;
}

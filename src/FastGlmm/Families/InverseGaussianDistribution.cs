using System.Runtime.CompilerServices;
namespace FastGlmm.Families;

/// <summary>
/// The inverse Gaussian family (R's <c>inverse.gaussian()</c>): Var y = φμ³, V(μ) = μ³, dᵢ = wt(y − μ)²/(yμ²),
/// log p = wt·log dinvgauss(y; μ, φ) = −½wt[log(2πφy³) + (y − μ)²/(φμ²y)], so −2Σ log p at φ = Σdᵢ/Σwt is R's
/// <c>inverse.gaussian()$aic</c> less its 2, as lme4's glmer uses it.
/// </summary>
public readonly struct InverseGaussianDistribution : IDistribution
{
    /// <summary><see cref="FamilyId.InverseGaussian"/>.</summary>
    public static FamilyId Id => FamilyId.InverseGaussian;

    /// <summary><see cref="LinkId.InverseSquare"/> (1/μ²).</summary>
    public static LinkId CanonicalLink => LinkId.InverseSquare;

    /// <summary>True: the dispersion φ is estimated.</summary>
    public static bool HasScale => true;

    /// <summary>V(μ) = μ³.</summary>
    /// <param name="mu">Mean.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Variance(double mu) => mu * mu * mu;

    /// <summary>dᵢ = wt(y − μ)²/(yμ²).</summary>
    /// <param name="y">Positive response.</param>
    /// <param name="mu">Mean &gt; 0.</param>
    /// <param name="wt">Prior weight.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double DevianceResidual(double y, double mu, double wt)
    {
        double r = y - mu;
        return wt * r * r / (y * mu * mu);
    }

    /// <summary>log p at φ = 1, times wt.</summary>
    /// <param name="y">Positive response.</param>
    /// <param name="mu">Mean &gt; 0.</param>
    /// <param name="wt">Prior weight.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LogDensity(double y, double mu, double wt) => LogDensity(y, mu, wt, 1.0);

    /// <summary>wt·log dinvgauss(y; μ, φ) = −½wt[log(2πφy³) + (y − μ)²/(φμ²y)].</summary>
    /// <param name="y">Positive response.</param>
    /// <param name="mu">Mean &gt; 0.</param>
    /// <param name="wt">Prior weight.</param>
    /// <param name="dispersion">Dispersion φ &gt; 0.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LogDensity(double y, double mu, double wt, double dispersion)
    {
        double r = y - mu;
        return -0.5 * wt * (Math.Log(2 * Math.PI * dispersion * y * y * y) + r * r / (dispersion * mu * mu * y));
    }

    /// <summary>μ₀ = y (R's <c>inverse.gaussian()$initialize</c>).</summary>
    /// <param name="y">Positive response.</param>
    /// <param name="wt">Prior weight (unused).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double InitialMu(double y, double wt) => y;
}

using System.Runtime.CompilerServices;
namespace FastGlmm.Families;

/// <summary>
/// The Poisson family. V(μ) = μ, dᵢ = 2wt[y log(y/μ) − (y − μ)] (2wt·μ at y = 0),
/// log p = wt·log dpois(y; μ) (lme4's poisson <c>aic()</c>, including −log y!).
/// </summary>
public readonly struct PoissonDistribution : IDistribution
{
    /// <summary><see cref="FamilyId.Poisson"/>.</summary>
    public static FamilyId Id => FamilyId.Poisson;

    /// <summary><see cref="LinkId.Log"/>.</summary>
    public static LinkId CanonicalLink => LinkId.Log;

    /// <summary>False: the dispersion is 1.</summary>
    public static bool HasScale => false;

    /// <summary>V(μ) = μ.</summary>
    /// <param name="mu">Mean.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Variance(double mu) => mu;

    /// <summary>dᵢ = 2wt[y log(y/μ) − (y − μ)] for y &gt; 0, 2wt·μ for y = 0.</summary>
    /// <param name="y">Count.</param>
    /// <param name="mu">Mean.</param>
    /// <param name="wt">Prior weight.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double DevianceResidual(double y, double mu, double wt) =>
        y > 0 ? 2.0 * (wt * (y * Math.Log(y / mu) - (y - mu))) : 2.0 * (mu * wt);

    /// <summary>
    /// wt·log dpois(y; μ). A non-integer y ≥ 0 takes the continuous extension y log μ − μ − log Γ(y + 1)
    /// (<see cref="LogDensities.PoissonRaw"/>, what glmmTMB's dpois and the CUDA kernel compute), not R's −∞, so that
    /// the log-likelihood of such data stays finite; the model frame warns about the non-integer counts.
    /// </summary>
    /// <param name="y">Count.</param>
    /// <param name="mu">Mean.</param>
    /// <param name="wt">Prior weight.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LogDensity(double y, double mu, double wt)
    {
        double ld = LogDensities.Poisson(y, mu);
        if (double.IsNegativeInfinity(ld) && y > 0 && double.IsFinite(y)) ld = LogDensities.PoissonRaw(y, mu);
        return ld * wt;
    }

    /// <summary>As the three-argument overload; the dispersion is ignored.</summary>
    /// <param name="y">Count.</param>
    /// <param name="mu">Mean.</param>
    /// <param name="wt">Prior weight.</param>
    /// <param name="dispersion">Ignored.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LogDensity(double y, double mu, double wt, double dispersion) => LogDensity(y, mu, wt);

    /// <summary>μ₀ = y + 0.1.</summary>
    /// <param name="y">Count.</param>
    /// <param name="wt">Prior weight (unused).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double InitialMu(double y, double wt) => y + 0.1;
}

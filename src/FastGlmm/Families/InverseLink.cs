using System.Runtime.CompilerServices;
namespace FastGlmm.Families;

/// <summary>
/// The inverse link (canonical for Gamma): η = 1/μ, μ = 1/η, dμ/dη = −1/η². No clamps (as lme4 and R):
/// η = 0 gives μ = ±∞ and dμ/dη = −∞; η &lt; 0 gives a negative μ, outside the Gamma family's domain.
/// </summary>
public readonly struct InverseLink : ILink
{
    /// <summary><see cref="LinkId.Inverse"/>.</summary>
    public static LinkId Id => LinkId.Inverse;

    /// <summary>μ = 1/η.</summary>
    /// <param name="eta">Linear predictor.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LinkInverse(double eta) => 1.0 / eta;

    /// <summary>dμ/dη = −1/η².</summary>
    /// <param name="eta">Linear predictor.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MuEta(double eta) => -1.0 / (eta * eta);

    /// <summary>η = 1/μ.</summary>
    /// <param name="mu">Mean.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Link(double mu) => 1.0 / mu;
}

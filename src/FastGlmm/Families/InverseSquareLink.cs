using System.Runtime.CompilerServices;
namespace FastGlmm.Families;

/// <summary>
/// R's <c>1/mu^2</c> link, the inverse Gaussian family's canonical one: η = 1/μ², μ = η^(−1/2), dμ/dη = −½η^(−3/2)
/// (valid for η &gt; 0, as R's <c>valideta</c>).
/// </summary>
public readonly struct InverseSquareLink : ILink
{
    /// <summary><see cref="LinkId.InverseSquare"/>.</summary>
    public static LinkId Id => LinkId.InverseSquare;

    /// <summary>μ = 1/√η.</summary>
    /// <param name="eta">Linear predictor &gt; 0.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LinkInverse(double eta) => 1.0 / Math.Sqrt(eta);

    /// <summary>dμ/dη = −1/(2η^(3/2)).</summary>
    /// <param name="eta">Linear predictor &gt; 0.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MuEta(double eta) => -0.5 / (eta * Math.Sqrt(eta));

    /// <summary>η = 1/μ².</summary>
    /// <param name="mu">Mean &gt; 0.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Link(double mu) => 1.0 / (mu * mu);
}

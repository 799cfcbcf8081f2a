using System.Runtime.CompilerServices;
namespace FastGlmm.Families;

/// <summary>
/// The complementary log-log link: η = log(−log(1 − μ)), μ = 1 − exp(−e^η) clamped to [ε, 1 − ε],
/// dμ/dη = max(exp(η − e^η), ε), as lme4's C++ <c>cloglogLink</c> (and, for μ, R's <c>binomial("cloglog")</c>).
/// </summary>
public readonly struct CloglogLink : ILink
{
    /// <summary><see cref="LinkId.Cloglog"/>.</summary>
    public static LinkId Id => LinkId.Cloglog;

    /// <summary>μ = min(max(−expm1(−e^η), ε), 1 − ε).</summary>
    /// <param name="eta">Linear predictor.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LinkInverse(double eta) => Clamps.Probability(-StableMath.Expm1(-Math.Exp(eta)));

    /// <summary>dμ/dη = max(exp(η − e^η), ε) (for η ≥ 709.78, e^η = +∞ and the result is ε).</summary>
    /// <param name="eta">Linear predictor.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MuEta(double eta) => Clamps.AtLeastEpsilon(Math.Exp(eta - Math.Exp(eta)));

    /// <summary>η = log(−log1p(−μ)), stable for small μ (R's <c>log(-log(1 - mu))</c> loses accuracy there).</summary>
    /// <param name="mu">Mean (a probability).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Link(double mu) => Math.Log(-StableMath.Log1p(-mu));
}

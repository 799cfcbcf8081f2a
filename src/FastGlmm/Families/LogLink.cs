using System.Runtime.CompilerServices;
namespace FastGlmm.Families;

/// <summary>
/// The log link: η = log μ, μ = max(e^η, ε), dμ/dη = max(e^η, ε) (lme4's <c>boundexp</c>).
/// FastGlmm also caps both at <see cref="double.MaxValue"/> (lme4 and R return +∞ for η &gt; 709.78), so μ and
/// dμ/dη are finite for every finite η.
/// </summary>
public readonly struct LogLink : ILink
{
    /// <summary><see cref="LinkId.Log"/>.</summary>
    public static LinkId Id => LinkId.Log;

    /// <summary>μ = min(max(e^η, ε), DBL_MAX).</summary>
    /// <param name="eta">Linear predictor.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LinkInverse(double eta) => Math.Min(Clamps.AtLeastEpsilon(Math.Exp(eta)), double.MaxValue);

    /// <summary>dμ/dη = min(max(e^η, ε), DBL_MAX), the same as μ.</summary>
    /// <param name="eta">Linear predictor.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MuEta(double eta) => Math.Min(Clamps.AtLeastEpsilon(Math.Exp(eta)), double.MaxValue);

    /// <summary>η = log μ (−∞ at 0, NaN for μ &lt; 0).</summary>
    /// <param name="mu">Mean.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Link(double mu) => Math.Log(mu);
}

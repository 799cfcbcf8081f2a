using System.Runtime.CompilerServices;
namespace FastGlmm.Families;

/// <summary>
/// The numerical clamps lme4's C++ family code (<c>glmFamily.cpp</c>) applies, with
/// ε = DBL_EPSILON = 2⁻⁵² ≈ 2.220446e-16 (not <see cref="double.Epsilon"/>, which is the smallest subnormal).
/// </summary>
public static class Clamps
{
    /// <summary>ε = DBL_EPSILON = 2⁻⁵² = 2.220446049250313e-16, R's <c>.Machine$double.eps</c>.</summary>
    public const double Epsilon = 2.220446049250313080847263336181640625e-16;

    /// <summary>1 − ε = 0.9999999999999997779..., the largest probability a clamped inverse link returns.</summary>
    public const double OneMinusEpsilon = 1.0 - Epsilon;

    /// <summary>
    /// min(max(p, ε), 1 − ε): a probability kept inside [ε, 1 − ε], as lme4 clamps the logit and
    /// cloglog inverse links. NaN stays NaN.
    /// </summary>
    /// <param name="p">A probability (any double).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Probability(double p) => p < Epsilon ? Epsilon : p > OneMinusEpsilon ? OneMinusEpsilon : p;

    /// <summary>max(x, ε): lme4's floor for dμ/dη, e^η and μ(1 − μ). NaN stays NaN.</summary>
    /// <param name="x">Any double.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double AtLeastEpsilon(double x) => x < Epsilon ? Epsilon : x;
}

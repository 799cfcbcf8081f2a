using System.Runtime.CompilerServices;
namespace FastGlmm.Families;

/// <summary>
/// The cauchit link: η = tan(π(μ − ½)), μ = F(η) and dμ/dη = f(η) for the standard Cauchy distribution function F and
/// density f = 1/(π(1 + η²)), unclamped, as lme4's C++ <c>cauchitLink</c> (R's pcauchy, dcauchy, qcauchy). For |η| &gt; 1,
/// F is formed from atan(1/η) so that the tail probabilities keep their relative accuracy.
/// </summary>
public readonly struct CauchitLink : ILink
{
    /// <summary><see cref="LinkId.Cauchit"/>.</summary>
    public static LinkId Id => LinkId.Cauchit;

    /// <summary>μ = ½ + atan(η)/π for |η| ≤ 1; −atan(1/η)/π for η &lt; −1 and 1 − atan(1/η)/π for η &gt; 1.</summary>
    /// <param name="eta">Linear predictor.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LinkInverse(double eta)
    {
        if (Math.Abs(eta) <= 1) return 0.5 + Math.Atan(eta) / Math.PI;
        double y = Math.Atan(1 / eta) / Math.PI;
        return eta > 0 ? 1 - y : -y;
    }

    /// <summary>dμ/dη = 1/(π(1 + η²)).</summary>
    /// <param name="eta">Linear predictor.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MuEta(double eta) => 1 / (Math.PI * (1 + eta * eta));

    /// <summary>η = tan(π(μ − ½)) (the Cauchy quantile; ±∞ at 0 and 1).</summary>
    /// <param name="mu">Mean (a probability).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Link(double mu) => mu switch
    {
        0 => double.NegativeInfinity,
        1 => double.PositiveInfinity,
        // tan(π(μ − ½)) about the centre (μ − ½ is exact there); −1/tan(πμ) and 1/tan(π(1 − μ)) in the tails, which
        // keep the accuracy of small μ and 1 − μ.
        < 0.25 => -1 / Math.Tan(Math.PI * mu),
        > 0.75 => 1 / Math.Tan(Math.PI * (1 - mu)),
        _ => Math.Tan(Math.PI * (mu - 0.5)),
    };
}

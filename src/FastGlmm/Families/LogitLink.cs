using System.Runtime.CompilerServices;
namespace FastGlmm.Families;

/// <summary>
/// The logit link: η = log(μ/(1 − μ)), μ = 1/(1 + e^(−η)) clamped to [ε, 1 − ε], and
/// dμ/dη = max(e^(−|η|)/(1 + e^(−|η|))², ε), as lme4 1.1-31's C++ <c>logitLink</c>.
/// R's <c>binomial()$linkinv</c> instead clamps η to [−30, 30] (μ = ε/(1+ε) below −30) and sets dμ/dη = ε
/// for |η| &gt; 30, so the two differ for 30 &lt; |η| &lt; 36.04 (e.g. η = −35: lme4 μ = 6.3e-16, R 2.2e-16).
/// </summary>
public readonly struct LogitLink : ILink
{
    /// <summary><see cref="LinkId.Logit"/>.</summary>
    public static LinkId Id => LinkId.Logit;

    /// <summary>log((1 − ε)/ε) for ε = DBL_EPSILON: |η| beyond it is where lme4 clamps μ to [ε, 1 − ε].</summary>
    public const double EtaClamp = 36.04365338911715;

    /// <summary>μ = min(max(1/(1 + e^(−η)), ε), 1 − ε) (R's <c>plogis</c> form; for η &lt; −709.78 e^(−η) = +∞ and μ = ε).</summary>
    /// <param name="eta">Linear predictor.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LinkInverse(double eta) => Clamps.Probability(1.0 / (1.0 + Math.Exp(-eta)));

    /// <summary>dμ/dη = μ(1 − μ) = max(e/(1 + e)², ε) with e = e^(−|η|) (R's <c>dlogis</c> form).</summary>
    /// <param name="eta">Linear predictor.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MuEta(double eta)
    {
        double e = Math.Exp(-Math.Abs(eta));
        double f = 1.0 + e;
        return Clamps.AtLeastEpsilon(e / (f * f));
    }

    /// <summary>η = log(μ/(1 − μ)) (±∞ at μ = 0, 1; NaN outside [0, 1]).</summary>
    /// <param name="mu">Mean (a probability).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Link(double mu) => Math.Log(mu / (1.0 - mu));
}

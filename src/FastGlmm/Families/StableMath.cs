namespace FastGlmm.Families;

/// <summary>
/// Accurate log(1 + x) and eˣ − 1. The BCL's <c>double.LogP1</c>/<c>double.ExpM1</c> are evaluated as
/// log(x + 1) and exp(x) − 1, which lose all relative accuracy for |x| ≪ 1, so the families use these instead.
/// </summary>
public static class StableMath
{
    /// <summary>DBL_MIN = 2⁻¹⁰²² ≈ 2.225074e-308, the smallest positive normal double.</summary>
    public const double DoubleMin = 2.2250738585072014e-308;

    /// <summary>
    /// log(1 + x) to within a few ulps for all x &gt; −1 (Kahan's correction log(u)·x/(u − 1), u = 1 + x).
    /// Edge cases: x = −1 → −∞; x &lt; −1 → NaN; x = +∞ → +∞; NaN → NaN.
    /// </summary>
    /// <param name="x">Argument.</param>
    public static double Log1p(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0) return x;
        if (double.IsPositiveInfinity(u)) return Math.Log(u);
        if (u <= 0.0) return u == 0.0 ? double.NegativeInfinity : double.NaN;
        return Math.Log(u) * (x / (u - 1.0));
    }

    /// <summary>
    /// eˣ − 1 to within a few ulps (Kahan's correction (u − 1)·x/log u, u = eˣ).
    /// Edge cases: x = −∞ → −1; x &gt; 709.78 → +∞; NaN → NaN.
    /// </summary>
    /// <param name="x">Argument.</param>
    public static double Expm1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0) return x;
        double um1 = u - 1.0;
        if (um1 == -1.0 || double.IsPositiveInfinity(u)) return um1;
        return um1 * (x / Math.Log(u));
    }

    /// <summary>log(1 + eˣ) without overflow: x for x &gt; 36, log1p(eˣ) otherwise (eˣ underflows harmlessly for x ≪ 0).</summary>
    /// <param name="x">Argument.</param>
    public static double Log1pExp(double x) => x > 36 ? x + Math.Exp(-x) : Log1p(Math.Exp(x));
}

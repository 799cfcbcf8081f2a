namespace FastGlmm.Families;

/// <summary>
/// Log-gamma and the saddle-point helpers (Stirling error, deviance term bd0) that the exact
/// log densities are built from. All functions are pure and allocation-free.
/// </summary>
public static class SpecialFunctions
{
    /// <summary>½ log(2π).</summary>
    public const double LogSqrt2Pi = 0.918938533204672741780329736406;

    /// <summary>log(2π).</summary>
    public const double Log2Pi = 1.837877066409345483560659472811;

    // (-1)^k (zeta(k) - 1) / k for k = 2..33: lgamma(2 + z) = (1 - gamma) z + sum_k c_k z^k, |z| < 2.
    private const double OneMinusEulerGamma = 0.42278433509846713;
    private static readonly double[] SeriesAt2 =
    [
        0.3224670334241132, -0.0673523010531981, 0.020580808427784546, -0.007385551028673986,
        0.0028905103307415234, -0.001192753911703261, 0.0005096695247430425, -0.00022315475845357939,
        9.945751278180853e-05, -4.492623673813314e-05, 2.050721277567069e-05, -9.439488275268397e-06,
        4.374866789907488e-06, -2.039215753801366e-06, 9.55141213040742e-07, -4.492469198764566e-07,
        2.1207184805554665e-07, -1.0043224823968099e-07, 4.7698101693639804e-08, -2.2711094608943164e-08,
        1.0838659214896955e-08, -5.183475041970047e-09, 2.4836745438024785e-09, -1.1921401405860912e-09,
        5.731367241678862e-10, -2.7595228851242334e-10, 1.330476437424449e-10, -6.4229645638381e-11,
        3.1044247747322276e-11, -1.5021384080754142e-11, 7.275974480239079e-12, -3.527742476575915e-12,
    ];

    // Stirling error log(x!) - (x + 1/2) log x + x - log sqrt(2 pi) at x = n/2, n = 0..30 (x = 0 gives 0).
    private static readonly double[] StirlerrHalves =
    [
        0.0, 0.15342640972002736, 0.08106146679532726, 0.05481412105191765, 0.0413406959554093,
        0.03316287351993629, 0.02767792568499834, 0.023746163656297496, 0.020790672103765093,
        0.018488450532673187, 0.016644691189821193, 0.015134973221917378, 0.013876128823070748,
        0.012810465242920227, 0.01189670994589177, 0.011104559758206917, 0.010411265261972096,
        0.009799416126158804, 0.009255462182712733, 0.008768700134139386, 0.00833056343336287,
        0.00793411456431402, 0.007573675487951841, 0.007244554301320383, 0.00694284010720953,
        0.006665247032707682, 0.006408994188004207, 0.006171712263039458, 0.0059513701127588475,
        0.0057462165130101155, 0.005554733551962801,
    ];

    /// <summary>
    /// log|Γ(x)|, accurate to a few units in the last place (relative error ≲ 1e-15; tests pin 1e-14 against
    /// R's <c>lgamma</c>), including near the roots x = 1 and x = 2 where it is exactly 0.
    /// </summary>
    /// <remarks>
    /// Method: x ≥ 10 uses Stirling's series (x − ½) log x − x + ½ log 2π + Σₖ₌₁⁸ B₂ₖ / (2k(2k−1) x²ᵏ⁻¹)
    /// (truncation error &lt; 2e-18). 0 &lt; x &lt; 10 is reduced with Γ(x + 1) = xΓ(x) to
    /// log Γ(2 + z), |z| ≤ ½, evaluated by its Taylor series (1 − γ) z + Σₖ (−1)ᵏ (ζ(k) − 1)/k zᵏ
    /// (k ≤ 33): x ∈ [0.5, 1.5) uses log Γ(2 + z) − log1p(z) with z = x − 1, x &lt; 0.5 also subtracts log x,
    /// x ∈ [2.5, 10) adds log ∏(x − i). Negative x uses the reflection log(π / |sin πx|) − log Γ(1 − x).
    /// Edge cases: x ∈ {0, −1, −2, …} and ±∞ give +∞; NaN gives NaN.
    /// </remarks>
    /// <param name="x">Argument.</param>
    public static double LogGamma(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x <= 0)
        {
            if (x == Math.Floor(x)) return double.PositiveInfinity;
            return Math.Log(Math.PI / Math.Abs(double.SinPi(x))) - LogGamma(1.0 - x);
        }
        if (x >= 10) return x == double.PositiveInfinity ? x : StirlingLogGamma(x);
        if (x < 0.5) return LogGammaTwoPlus(x) - Math.Log(x) - StableMath.Log1p(x);
        if (x < 1.5) { double z = x - 1.0; return LogGammaTwoPlus(z) - Math.Log(1.0 + z); }
        if (x < 2.5) return LogGammaTwoPlus(x - 2.0);
        double prod = 1.0, y = x;
        while (y >= 2.5) { y -= 1.0; prod *= y; }
        return LogGammaTwoPlus(y - 2.0) + Math.Log(prod);
    }

    /// <summary>log Γ(2 + z) for |z| ≤ ½ by its Taylor series about 2.</summary>
    private static double LogGammaTwoPlus(double z)
    {
        double s = SeriesAt2[^1];
        for (int i = SeriesAt2.Length - 2; i >= 0; i--) s = s * z + SeriesAt2[i];
        return z * (OneMinusEulerGamma + z * s);
    }

    private static double StirlingLogGamma(double x)
    {
        double r = 1.0 / x, r2 = r * r;
        double series = r * (1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680 + r2 * (1.0 / 1188
            + r2 * (-691.0 / 360360 + r2 * (1.0 / 156 + r2 * (-3617.0 / 122400))))))));
        return LogSqrt2Pi + (x - 0.5) * Math.Log(x) - x + series;
    }

    /// <summary>log(x!) = log Γ(x + 1) for x ≥ 0 (real x allowed); +∞ for x ∈ {−1, −2, …}.</summary>
    /// <param name="x">Argument, usually a count.</param>
    public static double LogFactorial(double x) => LogGamma(x + 1.0);

    /// <summary>
    /// log C(n, k) = log(n! / (k!(n − k)!)) for integers 0 ≤ k ≤ n (arguments are rounded to the nearest integer).
    /// Returns −∞ for k &lt; 0 or k &gt; n. Accurate to a few ulps relative: min(k, n − k) ≤ 30 sums
    /// log((n − k + i)/i); otherwise the Stirling form
    /// stirlerr(n) − stirlerr(k) − stirlerr(n−k) − ½ log(2πk(n−k)/n) + k log(n/k) − (n−k) log1p(−k/n).
    /// </summary>
    /// <param name="n">Number of trials, ≥ 0.</param>
    /// <param name="k">Number of successes.</param>
    public static double LogChoose(double n, double k)
    {
        n = Math.Round(n);
        k = Math.Round(k);
        if (double.IsNaN(n) || double.IsNaN(k)) return double.NaN;
        if (n < 0) return double.NaN;
        if (k < 0 || k > n) return double.NegativeInfinity;
        k = Math.Min(k, n - k);
        if (k == 0) return 0.0;
        if (k <= 30)
        {
            double s = 0.0, nk = n - k;
            for (int i = 1; i <= (int)k; i++) s += Math.Log((nk + i) / i);
            return s;
        }
        double m = n - k;
        return Stirlerr(n) - Stirlerr(k) - Stirlerr(m) - 0.5 * Math.Log(2.0 * Math.PI * k * (m / n))
            + k * Math.Log(n / k) - m * StableMath.Log1p(-k / n);
    }

    /// <summary>
    /// The Stirling error δ(x) = log Γ(x + 1) − (x + ½) log x + x − ½ log(2π), x &gt; 0 (Loader 2000).
    /// Exact tabled values at the half-integers x ≤ 15, log Γ otherwise for x ≤ 15, and the asymptotic series
    /// 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷) + 1/(1188x⁹) for x &gt; 15 (error &lt; 2e-16 relative).
    /// δ(0) = 0 by convention.
    /// </summary>
    /// <param name="x">Argument, ≥ 0.</param>
    public static double Stirlerr(double x)
    {
        if (x <= 15.0)
        {
            double twice = x + x;
            if (twice == Math.Floor(twice)) return StirlerrHalves[(int)twice];
            return LogGamma(x + 1.0) - (x + 0.5) * Math.Log(x) + x - LogSqrt2Pi;
        }
        double r2 = 1.0 / (x * x);
        return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - r2 / 1188) * r2) * r2) * r2) / x;
    }

    /// <summary>
    /// The binomial deviance term bd0(x, np) = x log(x/np) + np − x ≥ 0 (Loader 2000), computed without
    /// cancellation: when |x − np| &lt; 0.1(x + np) it sums the series 2x Σⱼ v²ʲ⁺¹/(2j + 1) − (x − np)v + …
    /// in v = (x − np)/(x + np). x &gt; 0 and np &gt; 0 finite; NaN otherwise.
    /// </summary>
    /// <param name="x">Observed count (need not be an integer), &gt; 0.</param>
    /// <param name="np">Expected count, &gt; 0.</param>
    public static double Bd0(double x, double np)
    {
        if (!double.IsFinite(x) || !double.IsFinite(np) || np == 0.0) return double.NaN;
        double d = x - np;
        if (Math.Abs(d) < 0.1 * (x + np))
        {
            double v = d / (x + np);
            double s = d * v;
            if (Math.Abs(s) < StableMath.DoubleMin) return s;
            double ej = 2.0 * x * v;
            v *= v;
            for (int j = 1; j < 1000; j++)
            {
                ej *= v;
                double s1 = s + ej / (2 * j + 1);
                if (s1 == s) return s1;
                s = s1;
            }
        }
        return x * Math.Log(x / np) + np - x;
    }

    /// <summary>
    /// The digamma function ψ(x) = d log Γ(x)/dx for x &gt; 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then
    /// the asymptotic series log x − 1/(2x) − Σ B₂ₖ/(2k x²ᵏ) to x⁻¹⁴ (about 1e-15 relative).
    /// </summary>
    public static double Digamma(double x)
    {
        if (!(x > 0)) return double.NaN;
        double r = 0;
        while (x < 10) { r -= 1 / x; x += 1; }
        double f = 1 / (x * x);
        double series = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132 - f * (691.0 / 32760 - f / 12))))));
        return r + Math.Log(x) - 0.5 / x - series;
    }

    /// <summary>
    /// The trigamma function ψ′(x) for x &gt; 0: ψ′(x) = ψ′(x + 1) + 1/x² up to x ≥ 10, then
    /// 1/x + 1/(2x²) + Σ B₂ₖ/x²ᵏ⁺¹ to x⁻¹⁵.
    /// </summary>
    public static double Trigamma(double x)
    {
        if (!(x > 0)) return double.NaN;
        double r = 0;
        while (x < 10) { r += 1 / (x * x); x += 1; }
        double f = 1 / (x * x);
        double series = (1 + f * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f * (1.0 / 30 - f * (5.0 / 66 - f * (691.0 / 2730 - f * 7.0 / 6))))))) / x;
        return r + series + 0.5 * f;
    }
}

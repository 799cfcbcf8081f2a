namespace FastGlmm.Families;

/// <summary>
/// Fully normalized log densities / log probability mass functions, computed as R's <c>dbinom</c>,
/// <c>dpois</c>, <c>dgamma</c> and <c>dnorm</c> with <c>log = TRUE</c> do: Loader's saddle-point forms
/// (Stirling error + bd0), which keep full relative accuracy for large counts where
/// log C(n,k) + k log p + (n−k) log q would cancel.
/// </summary>
public static class LogDensities
{
    /// <summary>
    /// log P(X = x) for X ~ Binomial(n, p) (R's <c>dbinom(x, n, p, log = TRUE)</c>):
    /// δ(n) − δ(x) − δ(n−x) − bd0(x, np) − bd0(n−x, nq) − ½ log(2πx(1 − x/n)), q = 1 − p, δ = Stirling error;
    /// n log q (or −bd0(n, nq) − np for p &lt; 0.1) at x = 0, and symmetrically at x = n.
    /// x and n are rounded to integers (R warns for non-integer x; here x within 1e-7 of an integer is accepted,
    /// otherwise −∞). Edge cases: p = 0 → 0 if x = 0 else −∞; p = 1 → 0 if x = n else −∞; x &lt; 0 or x &gt; n → −∞;
    /// n = 0, x = 0 → 0; p ∉ [0, 1] or n &lt; 0 → NaN.
    /// </summary>
    /// <param name="x">Number of successes.</param>
    /// <param name="n">Number of trials.</param>
    /// <param name="p">Success probability.</param>
    public static double Binomial(double x, double n, double p)
    {
        if (double.IsNaN(x) || double.IsNaN(n) || double.IsNaN(p)) return double.NaN;
        if (p < 0 || p > 1 || n < 0 || IsNonInteger(n)) return double.NaN;
        if (IsNonInteger(x) || x < 0 || !double.IsFinite(x)) return double.NegativeInfinity;
        n = Math.Round(n);
        x = Math.Round(x);
        double q = 1.0 - p;
        if (p == 0) return x == 0 ? 0.0 : double.NegativeInfinity;
        if (q == 0) return x == n ? 0.0 : double.NegativeInfinity;
        if (x == 0)
        {
            if (n == 0) return 0.0;
            return p < 0.1 ? -SpecialFunctions.Bd0(n, n * q) - n * p : n * Math.Log(q);
        }
        if (x == n) return q < 0.1 ? -SpecialFunctions.Bd0(n, n * p) - n * q : n * Math.Log(p);
        if (x > n) return double.NegativeInfinity;
        double lc = SpecialFunctions.Stirlerr(n) - SpecialFunctions.Stirlerr(x) - SpecialFunctions.Stirlerr(n - x)
            - SpecialFunctions.Bd0(x, n * p) - SpecialFunctions.Bd0(n - x, n * q);
        double lf = SpecialFunctions.Log2Pi + Math.Log(x) + StableMath.Log1p(-x / n);
        return lc - 0.5 * lf;
    }

    /// <summary>
    /// log P(X = x) for X ~ Poisson(λ) (R's <c>dpois(x, λ, log = TRUE)</c>): −½ log(2πx) − δ(x) − bd0(x, λ).
    /// x within 1e-7·max(1, |x|) of an integer is rounded, any other x gives −∞ (R warns and does the same).
    /// Edge cases: λ = 0 → 0 if x = 0 else −∞; x = 0 → −λ; λ = +∞ or x &lt; 0 → −∞; λ &lt; 0 → NaN.
    /// </summary>
    /// <param name="x">Count.</param>
    /// <param name="lambda">Mean λ ≥ 0.</param>
    public static double Poisson(double x, double lambda)
    {
        if (double.IsNaN(x) || double.IsNaN(lambda)) return double.NaN;
        if (lambda < 0) return double.NaN;
        if (IsNonInteger(x) || x < 0 || !double.IsFinite(x)) return double.NegativeInfinity;
        return PoissonRaw(Math.Round(x), lambda);
    }

    /// <summary>
    /// The Poisson log mass −λ + x log λ − log Γ(x + 1) for real x ≥ 0 (R's <c>dpois_raw</c>, which
    /// <see cref="Gamma"/> also uses): −½ log(2πx) − δ(x) − bd0(x, λ), with −λ when x ≤ λ·DBL_MIN and the
    /// direct form when λ &lt; x·DBL_MIN. λ = 0 → 0 if x = 0 else −∞; λ = +∞ or x &lt; 0 → −∞.
    /// </summary>
    /// <param name="x">Real argument ≥ 0.</param>
    /// <param name="lambda">Mean λ ≥ 0.</param>
    public static double PoissonRaw(double x, double lambda)
    {
        if (lambda == 0) return x == 0 ? 0.0 : double.NegativeInfinity;
        if (!double.IsFinite(lambda) || x < 0) return double.NegativeInfinity;
        if (x <= lambda * StableMath.DoubleMin) return -lambda;
        if (lambda < x * StableMath.DoubleMin)
        {
            if (!double.IsFinite(x)) return double.NegativeInfinity;
            return -lambda + x * Math.Log(lambda) - SpecialFunctions.LogGamma(x + 1.0);
        }
        return -0.5 * Math.Log(2.0 * Math.PI * x) - SpecialFunctions.Stirlerr(x) - SpecialFunctions.Bd0(x, lambda);
    }

    /// <summary>
    /// log f(x) for the Gamma(shape k, scale s) density xᵏ⁻¹e^(−x/s)/(Γ(k)sᵏ) (R's <c>dgamma(x, k, scale = s, log = TRUE)</c>),
    /// as PoissonRaw(k − 1, x/s) − log s for k ≥ 1 and PoissonRaw(k, x/s) + log(k/x) for k &lt; 1.
    /// Edge cases: x &lt; 0 → −∞; x = 0 → +∞ (k &lt; 1), −log s (k = 1), −∞ (k &gt; 1); k &lt; 0 or s ≤ 0 → NaN.
    /// </summary>
    /// <param name="x">Argument.</param>
    /// <param name="shape">Shape k &gt; 0.</param>
    /// <param name="scale">Scale s &gt; 0.</param>
    public static double Gamma(double x, double shape, double scale)
    {
        if (double.IsNaN(x) || double.IsNaN(shape) || double.IsNaN(scale)) return double.NaN;
        if (shape < 0 || scale <= 0) return double.NaN;
        if (x < 0) return double.NegativeInfinity;
        if (shape == 0) return x == 0 ? double.PositiveInfinity : double.NegativeInfinity;
        if (x == 0)
        {
            if (shape < 1) return double.PositiveInfinity;
            if (shape > 1) return double.NegativeInfinity;
            return -Math.Log(scale);
        }
        if (shape < 1)
        {
            double pr = PoissonRaw(shape, x / scale);
            double ratio = shape / x;
            return pr + (double.IsFinite(ratio) ? Math.Log(ratio) : Math.Log(shape) - Math.Log(x));
        }
        return PoissonRaw(shape - 1.0, x / scale) - Math.Log(scale);
    }

    /// <summary>
    /// log φ((x − m)/s)/s = −(½ log 2π + z²/2 + log s), z = (x − m)/s (R's <c>dnorm(x, m, s, log = TRUE)</c>).
    /// Edge cases: s = 0 → +∞ if x = m else −∞; s = +∞ → −∞; s &lt; 0 → NaN.
    /// </summary>
    /// <param name="x">Argument.</param>
    /// <param name="mean">Mean m.</param>
    /// <param name="sd">Standard deviation s ≥ 0.</param>
    public static double Normal(double x, double mean, double sd)
    {
        if (double.IsNaN(x) || double.IsNaN(mean) || double.IsNaN(sd)) return double.NaN;
        if (sd < 0) return double.NaN;
        if (!double.IsFinite(sd)) return double.NegativeInfinity;
        if (!double.IsFinite(x) && mean == x) return double.NaN;
        if (sd == 0) return x == mean ? double.PositiveInfinity : double.NegativeInfinity;
        double z = (x - mean) / sd;
        if (!double.IsFinite(z)) return double.NegativeInfinity;
        return -(SpecialFunctions.LogSqrt2Pi + 0.5 * z * z + Math.Log(sd));
    }

    /// <summary>R's <c>R_nonint</c>: |x − round(x)| &gt; 1e-7·max(1, |x|).</summary>
    private static bool IsNonInteger(double x) => Math.Abs(x - Math.Round(x)) > 1e-7 * Math.Max(1.0, Math.Abs(x));
}

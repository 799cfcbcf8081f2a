using FastGlmm.Families;

namespace FastGlmm.Rng;

public readonly partial struct PhiloxStream
{
    /// <summary>Means below this use inversion; at or above it, PTRS.</summary>
    public const double PoissonInversionLimit = 10.0;

    /// <summary>
    /// A Poisson(μ) variate, a deterministic function of (seed, stream, index).
    /// μ = 0 → 0. μ &lt; 10: inversion by sequential search with u = U(x₀, x₁) of Block(index, 0):
    /// p₀ = e^(−μ), F = p₀, k = 0; while u &gt; F: k += 1, p ← p·μ/k, and stop (returning k) if F + p == F, else F ← F + p
    /// (one block). μ ≥ 10: Hörmann's PTRS transformed rejection (1993): attempt t = 0, 1, 2, … uses Block(index, t),
    /// U = U(x₀, x₁) − ½, V = U(x₂, x₃); with b = 0.931 + 2.53√μ, a = −0.059 + 0.02483b, 1/α = 1.1239 + 1.1328/(b − 3.4),
    /// v_r = 0.9277 − 3.6224/(b − 2), u_s = ½ − |U|, k = ⌊(2a/u_s + b)U + μ + 0.43⌋: accept if u_s ≥ 0.07 and V ≤ v_r;
    /// reject if k &lt; 0 or (u_s &lt; 0.013 and V &gt; u_s); otherwise accept iff
    /// log V + log(1/α) − log(a/u_s² + b) ≤ −μ + k log μ − log Γ(k + 1). Unbounded attempts (about 1.1 on average).
    /// </summary>
    /// <param name="mu">Mean μ ≥ 0, finite (exact integers up to 2⁵³).</param>
    /// <param name="index">Draw index.</param>
    /// <exception cref="ArgumentOutOfRangeException">μ is negative, infinite or NaN.</exception>
    public long Poisson(double mu, ulong index)
    {
        if (!(mu >= 0) || double.IsPositiveInfinity(mu)) throw new ArgumentOutOfRangeException(nameof(mu), mu, "the Poisson mean must be finite and non-negative");
        if (mu == 0) return 0;
        if (mu < PoissonInversionLimit) return PoissonInversion(mu, Uniform(index));
        return PoissonPtrs(mu, index);
    }

    private static long PoissonInversion(double mu, double u)
    {
        double p = Math.Exp(-mu), f = p;
        long k = 0;
        while (u > f)
        {
            k++;
            p *= mu / k;
            double next = f + p;
            if (next == f) break;
            f = next;
        }
        return k;
    }

    private long PoissonPtrs(double mu, ulong index)
    {
        double logMu = Math.Log(mu);
        double b = 0.931 + 2.53 * Math.Sqrt(mu);
        double a = -0.059 + 0.02483 * b;
        double logInvAlpha = Math.Log(1.1239 + 1.1328 / (b - 3.4));
        double vr = 0.9277 - 3.6224 / (b - 2.0);
        for (ulong t = 0; ; t++)
        {
            var blk = Block(index, t);
            double u = Philox4x32.ToUniform(blk.X0, blk.X1) - 0.5;
            double v = Philox4x32.ToUniform(blk.X2, blk.X3);
            double us = 0.5 - Math.Abs(u);
            double k = Math.Floor((2.0 * a / us + b) * u + mu + 0.43);
            if (us >= 0.07 && v <= vr) return (long)k;
            if (k < 0 || (us < 0.013 && v > us)) continue;
            if (Math.Log(v) + logInvAlpha - Math.Log(a / (us * us) + b) <= -mu + k * logMu - SpecialFunctions.LogGamma(k + 1.0))
                return (long)k;
        }
    }
}

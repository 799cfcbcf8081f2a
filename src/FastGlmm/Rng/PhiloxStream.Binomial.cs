using FastGlmm.Families;

namespace FastGlmm.Rng;

public readonly partial struct PhiloxStream
{
    /// <summary>Binomials with n·min(p, 1 − p) below this use inversion; at or above it, BTRS.</summary>
    public const double BinomialInversionLimit = 10.0;

    /// <summary>
    /// A Binomial(n, p) variate, a deterministic function of (seed, stream, index).
    /// With p' = min(p, 1 − p) (the result is n − k when p &gt; ½): n = 0 or p' = 0 → 0 (or n).
    /// n·p' &lt; 10: inversion with u = U(x₀, x₁) of Block(index, 0): s = p'/q', a = (n + 1)s, r = q'ⁿ = exp(n log1p(−p')),
    /// k = 0; while u &gt; r: u ← u − r, k += 1, r ← r(a/k − s), stopping (returning k) when k = n or r = 0 (one block).
    /// n·p' ≥ 10: Hörmann's BTRS transformed rejection (1993): attempt t = 0, 1, … uses Block(index, t),
    /// U = U(x₀, x₁) − ½, V = U(x₂, x₃); with σ = √(np'q'), b = 1.15 + 2.53σ, a = −0.0873 + 0.0248b + 0.01p',
    /// c = np' + ½, v_r = 0.92 − 4.2/b, α = (2.83 + 5.1/b)σ, m = ⌊(n + 1)p'⌋, u_s = ½ − |U|, k = ⌊(2a/u_s + b)U + c⌋:
    /// reject if k &lt; 0 or k &gt; n; accept if u_s ≥ 0.07 and V ≤ v_r; otherwise accept iff
    /// log(Vα/(a/u_s² + b)) ≤ log Γ(m+1) + log Γ(n−m+1) − log Γ(k+1) − log Γ(n−k+1) + (k − m) log(p'/q').
    /// Unbounded attempts (about 1.1–1.2 on average).
    /// </summary>
    /// <param name="n">Number of trials ≥ 0.</param>
    /// <param name="p">Success probability in [0, 1].</param>
    /// <param name="index">Draw index.</param>
    /// <exception cref="ArgumentOutOfRangeException">n &lt; 0, or p is outside [0, 1] or NaN.</exception>
    public long Binomial(long n, double p, ulong index)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "the number of trials must be non-negative");
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "the success probability must be in [0, 1]");
        bool flip = p > 0.5;
        double pp = flip ? 1.0 - p : p;
        long k;
        if (n == 0 || pp == 0) k = 0;
        else if (n * pp < BinomialInversionLimit) k = BinomialInversion(n, pp, Uniform(index));
        else k = BinomialBtrs(n, pp, index);
        return flip ? n - k : k;
    }

    private static long BinomialInversion(long n, double p, double u)
    {
        double q = 1.0 - p;
        double s = p / q;
        double a = (n + 1) * s;
        double r = Math.Exp(n * StableMath.Log1p(-p));
        long k = 0;
        while (u > r)
        {
            u -= r;
            k++;
            if (k == n) break;
            r *= a / k - s;
            if (r == 0) break;
        }
        return k;
    }

    private long BinomialBtrs(long n, double p, ulong index)
    {
        double q = 1.0 - p;
        double spq = Math.Sqrt(n * p * q);
        double b = 1.15 + 2.53 * spq;
        double a = -0.0873 + 0.0248 * b + 0.01 * p;
        double c = n * p + 0.5;
        double vr = 0.92 - 4.2 / b;
        double alpha = (2.83 + 5.1 / b) * spq;
        double lpq = Math.Log(p / q);
        double m = Math.Floor((n + 1) * p);
        double h = SpecialFunctions.LogGamma(m + 1.0) + SpecialFunctions.LogGamma(n - m + 1.0);
        for (ulong t = 0; ; t++)
        {
            var blk = Block(index, t);
            double u = Philox4x32.ToUniform(blk.X0, blk.X1) - 0.5;
            double v = Philox4x32.ToUniform(blk.X2, blk.X3);
            double us = 0.5 - Math.Abs(u);
            double k = Math.Floor((2.0 * a / us + b) * u + c);
            if (k < 0 || k > n) continue;
            if (us >= 0.07 && v <= vr) return (long)k;
            double lhs = Math.Log(v * alpha / (a / (us * us) + b));
            if (lhs <= h - SpecialFunctions.LogGamma(k + 1.0) - SpecialFunctions.LogGamma(n - k + 1.0) + (k - m) * lpq)
                return (long)k;
        }
    }
}

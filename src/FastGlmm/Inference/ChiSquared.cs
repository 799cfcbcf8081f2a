using FastGlmm.Families;

namespace FastGlmm.Inference;

/// <summary>The χ² distribution's upper tail, via the regularized incomplete gamma function.</summary>
public static class ChiSquared
{
    /// <summary>P(X ≥ x) for X ~ χ²(df): Q(df/2, x/2). Returns 1 for x ≤ 0.</summary>
    public static double UpperTail(double x, double df)
    {
        if (df <= 0) throw new ArgumentOutOfRangeException(nameof(df), df, "degrees of freedom must be positive");
        if (double.IsNaN(x)) return double.NaN;
        return x <= 0 ? 1.0 : RegularizedGammaQ(df / 2, x / 2);
    }

    /// <summary>
    /// Q(a, x) = Γ(a, x)/Γ(a): by the power series of P(a, x) when x &lt; a + 1, otherwise by the Lentz
    /// continued fraction for Q directly (accurate in the far tail), both to about 1e-15 relative.
    /// </summary>
    public static double RegularizedGammaQ(double a, double x)
    {
        if (x <= 0) return 1.0;
        double logPrefix = a * Math.Log(x) - x - SpecialFunctions.LogGamma(a);
        if (x < a + 1)
        {
            double sum = 1.0 / a, term = sum;
            for (int n = 1; n < 1000; n++)
            {
                term *= x / (a + n);
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * 1e-16) break;
            }
            return Math.Max(0, 1 - Math.Exp(logPrefix) * sum);
        }
        const double tiny = 1e-300;
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (int i = 1; i < 1000; i++)
        {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < tiny) d = tiny;
            c = b + an / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(logPrefix) * h;
    }
}

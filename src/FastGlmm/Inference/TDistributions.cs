using FastGlmm.Families;

namespace FastGlmm.Inference;

/// <summary>
/// Tails of Student's t and Fisher's F distributions, through the regularized incomplete beta function
/// I_x(a, b), computed in the tail directly so that small p-values keep their relative accuracy.
/// </summary>
public static class TDistributions
{
    /// <summary>P(|T| ≥ |t|) for T ~ t(ν), ν &gt; 0: I_{ν/(ν+t²)}(ν/2, ½). NaN for NaN input.</summary>
    public static double TwoSidedT(double t, double df)
    {
        if (double.IsNaN(t) || double.IsNaN(df) || df <= 0) return double.NaN;
        if (double.IsInfinity(t)) return 0;
        double t2 = t * t;
        return RegularizedBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
    }

    /// <summary>P(F ≥ f) for F ~ F(d₁, d₂): I_{d₂/(d₂+d₁f)}(d₂/2, d₁/2); 1 for f ≤ 0.</summary>
    public static double UpperF(double f, double d1, double d2)
    {
        if (double.IsNaN(f) || double.IsNaN(d1) || double.IsNaN(d2) || d1 <= 0 || d2 <= 0) return double.NaN;
        if (f <= 0) return 1;
        if (double.IsInfinity(f)) return 0;
        return RegularizedBeta(d2 / 2, d1 / 2, d2 / (d2 + d1 * f), d1 * f / (d2 + d1 * f));
    }

    /// <summary>
    /// I_x(a, b) = B(x; a, b)/B(a, b) for a, b &gt; 0 and 0 ≤ x ≤ 1: the prefix x^a(1−x)^b/(a B(a, b)) times the
    /// continued fraction of the incomplete beta (evaluated by the modified Lentz method), applied directly when
    /// x &lt; (a + 1)/(a + b + 2) and through I_x(a, b) = 1 − I_{1−x}(b, a) otherwise; about 1e-15 relative.
    /// </summary>
    public static double RegularizedBeta(double a, double b, double x) => RegularizedBeta(a, b, x, 1 - x);

    /// <summary>I_x(a, b) given both x and y = 1 − x, each computed accurately by the caller.</summary>
    private static double RegularizedBeta(double a, double b, double x, double y)
    {
        if (x <= 0) return 0;
        if (y <= 0) return 1;
        if (x > (a + 1) / (a + b + 2)) return 1 - RegularizedBeta(b, a, y, x);
        double logPrefix = a * Math.Log(x) + b * Math.Log(y)
            - (SpecialFunctions.LogGamma(a) + SpecialFunctions.LogGamma(b) - SpecialFunctions.LogGamma(a + b)) - Math.Log(a);
        const double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m < 10_000; m++)
        {
            // Even step: d_{2m} = m(b − m)x/((a + 2m − 1)(a + 2m)); odd step: −(a + m)(a + b + m)x/((a + 2m)(a + 2m + 1)).
            double num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + num * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + num / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 + num * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + num / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(logPrefix) * h;
    }
}

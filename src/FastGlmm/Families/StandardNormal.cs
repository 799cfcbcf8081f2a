namespace FastGlmm.Families;

/// <summary>
/// The standard normal density φ, distribution function Φ and quantile Φ⁻¹ to full double precision,
/// as R computes them (Cody's rational approximations for Φ, Wichura's AS 241 for Φ⁻¹).
/// </summary>
public static class StandardNormal
{
    /// <summary>1/√(2π).</summary>
    public const double InvSqrt2Pi = 0.398942280401432677939946059934;

    // Cody (1969, 1993) rational Chebyshev coefficients for Phi.
    private static readonly double[] A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
    private static readonly double[] B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
    private static readonly double[] C = [0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711, 6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8];
    private static readonly double[] D = [22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091, 34900.952721145977266, 38912.003286093271411, 19685.429676859990727];
    private static readonly double[] P = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303];
    private static readonly double[] Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];

    /// <summary>
    /// φ(x) = e^(−x²/2)/√(2π). For |x| ≥ 5 the exponent is split as x = x₁ + x₂ with x₁ a multiple of 2⁻¹⁶,
    /// φ = e^(−x₁²/2) e^(−(x₁ + x₂/2)x₂)/√(2π), so the result keeps full relative precision in the tails;
    /// 0 for |x| &gt; 38.6 (underflow); NaN for NaN.
    /// </summary>
    /// <param name="x">Argument.</param>
    public static double Density(double x)
    {
        x = Math.Abs(x);
        if (x < 5.0) return InvSqrt2Pi * Math.Exp(-0.5 * x * x);
        if (x > 38.6) return double.IsNaN(x) ? x : 0.0;
        double x1 = Math.Round(x * 65536.0) / 65536.0;
        double x2 = x - x1;
        return InvSqrt2Pi * (Math.Exp(-0.5 * x1 * x1) * Math.Exp((-0.5 * x2 - x1) * x2));
    }

    /// <summary>
    /// Φ(x) = P(Z ≤ x) with full relative precision in the lower tail (Cody's algorithm: |x| ≤ 0.66291,
    /// |x| ≤ √32, and an asymptotic rational form beyond, with e^(−x²/2) split at multiples of 1/16).
    /// Returns 0 for x &lt; −37.5193, 1 for x &gt; 8.2924, NaN for NaN.
    /// </summary>
    /// <param name="x">Argument.</param>
    public static double Cdf(double x)
    {
        if (double.IsNaN(x)) return x;
        double y = Math.Abs(x);
        if (y <= 0.66291)
        {
            double xsq = y > Clamps.Epsilon * 0.5 ? x * x : 0.0;
            double xnum = A[4] * xsq, xden = xsq;
            for (int i = 0; i < 3; i++) { xnum = (xnum + A[i]) * xsq; xden = (xden + B[i]) * xsq; }
            return 0.5 + x * (xnum + A[3]) / (xden + B[3]);
        }
        double tail; // P(Z > |x|)
        if (y <= 5.656854249492380195206754896838)
        {
            double xnum = C[8] * y, xden = y;
            for (int i = 0; i < 7; i++) { xnum = (xnum + C[i]) * y; xden = (xden + D[i]) * y; }
            tail = GaussTail(y, (xnum + C[7]) / (xden + D[7]));
        }
        else if ((x < 0 && x > -37.5193) || (x > 0 && x < 8.2924))
        {
            double xsq = 1.0 / (x * x);
            double xnum = P[5] * xsq, xden = xsq;
            for (int i = 0; i < 4; i++) { xnum = (xnum + P[i]) * xsq; xden = (xden + Q[i]) * xsq; }
            double r = xsq * (xnum + P[4]) / (xden + Q[4]);
            tail = GaussTail(y, (InvSqrt2Pi - r) / y);
        }
        else
        {
            return x > 0 ? 1.0 : 0.0;
        }
        return x > 0 ? 1.0 - tail : tail;
    }

    private static double GaussTail(double y, double ratio)
    {
        double ysq = Math.Truncate(y * 16.0) / 16.0;
        double del = (y - ysq) * (y + ysq);
        return Math.Exp(-ysq * ysq * 0.5) * Math.Exp(-del * 0.5) * ratio;
    }

    /// <summary>
    /// Φ⁻¹(p), the standard normal quantile, by Wichura's algorithm AS 241 (PPND16; relative error ≈ 1e-16):
    /// a rational function of (p − ½)² for |p − ½| ≤ 0.425, otherwise of r = √(−log min(p, 1 − p)).
    /// Edge cases: p = 0 → −∞, p = 1 → +∞, p ∉ [0, 1] or NaN → NaN.
    /// </summary>
    /// <param name="p">Probability.</param>
    public static double Quantile(double p)
    {
        if (double.IsNaN(p) || p < 0 || p > 1) return double.NaN;
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;
        double q = p - 0.5;
        if (Math.Abs(q) <= 0.425)
        {
            double r = 0.180625 - q * q;
            return q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r
                        + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                        + 133.14166789178437745) * r + 3.387132872796366608)
                 / (((((((r * 5226.495278852854561 + 28729.085735721942674) * r + 39307.89580009271061) * r
                        + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                        + 42.313330701600911252) * r + 1.0);
        }
        double t = Math.Sqrt(-Math.Log(q < 0 ? p : 1.0 - p));
        double val;
        if (t <= 5.0)
        {
            t -= 1.6;
            val = (((((((t * 7.7454501427834140764e-4 + 0.0227238449892691845833) * t + 0.24178072517745061177) * t
                    + 1.27045825245236838258) * t + 3.64784832476320460504) * t + 5.7694972214606914055) * t
                    + 4.6303378461565452959) * t + 1.42343711074968357734)
                / (((((((t * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * t + 0.0151986665636164571966) * t
                    + 0.14810397642748007459) * t + 0.68976733498510000455) * t + 1.6763848301838038494) * t
                    + 2.05319162663775882187) * t + 1.0);
        }
        else
        {
            t -= 5.0;
            val = (((((((t * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * t + 0.0012426609473880784386) * t
                    + 0.026532189526576123093) * t + 0.29656057182850489123) * t + 1.7848265399172913358) * t
                    + 5.4637849111641143699) * t + 6.6579046435011037772)
                / (((((((t * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * t + 1.8463183175100546818e-5) * t
                    + 7.868691311456132591e-4) * t + 0.0148753612908506148525) * t + 0.13692988092273580531) * t
                    + 0.59983220655588793769) * t + 1.0);
        }
        return q < 0 ? -val : val;
    }
}

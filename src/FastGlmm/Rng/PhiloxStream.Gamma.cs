namespace FastGlmm.Rng;

public readonly partial struct PhiloxStream
{
    /// <summary>
    /// A Gamma(shape, scale) variate (mean shape·scale), a deterministic function of (seed, stream, index), by
    /// Marsaglia and Tsang's method (2000). With a = shape (shape + 1 when shape &lt; 1), d = a − ⅓, c = 1/√(9d):
    /// attempt t = 0, 1, … draws x = the Box–Muller normal of Block(index, 2t + 1) (as <see cref="Normal"/>) and
    /// u = U(x₀, x₁) of Block(index, 2t + 2); v = (1 + cx)³; reject if 1 + cx ≤ 0; accept if u &lt; 1 − 0.0331x⁴
    /// or log u &lt; x²/2 + d(1 − v + log v); then g = d·v. For shape &lt; 1, g ← g·exp(log(u_b)/shape) with
    /// u_b = U(x₀, x₁) of Block(index, 0). Returns g·scale. Unbounded attempts (≈ 1.02–1.05 on average).
    /// Very small shapes can underflow to 0.
    /// </summary>
    /// <param name="shape">Shape k &gt; 0, finite.</param>
    /// <param name="scale">Scale s &gt; 0, finite.</param>
    /// <param name="index">Draw index.</param>
    /// <exception cref="ArgumentOutOfRangeException">shape or scale is not positive and finite.</exception>
    public double Gamma(double shape, double scale, ulong index)
    {
        if (!(shape > 0) || double.IsPositiveInfinity(shape)) throw new ArgumentOutOfRangeException(nameof(shape), shape, "the shape must be positive and finite");
        if (!(scale > 0) || double.IsPositiveInfinity(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "the scale must be positive and finite");
        double a = shape < 1 ? shape + 1.0 : shape;
        double d = a - 1.0 / 3.0;
        double c = 1.0 / Math.Sqrt(9.0 * d);
        double g;
        for (ulong t = 0; ; t++)
        {
            double x = NormalFromBlock(Block(index, 2 * t + 1));
            double w = 1.0 + c * x;
            if (w <= 0) continue;
            double v = w * w * w;
            var ub = Block(index, 2 * t + 2);
            double u = Philox4x32.ToUniform(ub.X0, ub.X1);
            double x2 = x * x;
            if (u < 1.0 - 0.0331 * x2 * x2 || Math.Log(u) < 0.5 * x2 + d * (1.0 - v + Math.Log(v)))
            {
                g = d * v;
                break;
            }
        }
        if (shape < 1)
        {
            var b0 = Block(index, 0);
            g *= Math.Exp(Math.Log(Philox4x32.ToUniform(b0.X0, b0.X1)) / shape);
        }
        return g * scale;
    }
}

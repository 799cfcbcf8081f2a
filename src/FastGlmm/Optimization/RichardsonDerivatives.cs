namespace FastGlmm.Optimization;

/// <summary>
/// Derivatives by central differences with Richardson extrapolation, the method R's numDeriv uses by default
/// (and so lmerTest's Satterthwaite degrees of freedom): first steps h₀ᵢ = d|xᵢ| (10⁻⁴ where |xᵢ| &lt; 1.8·10⁻⁵), with
/// d = 0.1 for Hessians and 10⁻⁴ for Jacobians as numDeriv's defaults, halved four times; the four central differences D(h), D(h/2), D(h/4), D(h/8) are combined by the Richardson table
/// Dₖ ← (4ᵐDₖ₊₁ − Dₖ)/(4ᵐ − 1), m = 1, 2, 3, which cancels the h², h⁴ and h⁶ error terms. For a smooth function the
/// result is accurate to about 10⁻¹⁰ relative.
/// </summary>
public static class RichardsonDerivatives
{
    private const int Steps = 4;
    private const double HessianStep = 0.1, JacobianStep = 1e-4, AbsoluteStep = 1e-4;
    private static readonly double ZeroTolerance = Math.Sqrt(2.220446049250313e-16 / 7e-7);

    /// <summary>The first step for each coordinate of <paramref name="x"/>.</summary>
    private static double[] FirstSteps(double[] x, double relative) =>
        [.. x.Select(v => Math.Abs(relative * v) + (Math.Abs(v) < ZeroTolerance ? AbsoluteStep : 0))];

    /// <summary>Extrapolates a column of estimates at steps h, h/2, h/4, h/8 (in place) and returns the limit.</summary>
    private static double Extrapolate(double[] a)
    {
        for (int m = 1; m < Steps; m++)
        {
            double f = Math.Pow(4, m);
            for (int k = 0; k < Steps - m; k++) a[k] = (a[k + 1] * f - a[k]) / (f - 1);
        }
        return a[0];
    }

    /// <summary>
    /// The Hessian ∂²f/∂xᵢ∂xⱼ (n × n, row-major) of a scalar f at x. Diagonal: (f(x + hᵢeᵢ) − 2f(x) + f(x − hᵢeᵢ))/hᵢ²;
    /// off-diagonal: (f(x + hᵢeᵢ + hⱼeⱼ) − 2f(x) + f(x − hᵢeᵢ − hⱼeⱼ) − Hᵢᵢhᵢ² − Hⱼⱼhⱼ²)/(2hᵢhⱼ), each extrapolated.
    /// Uses 4n(n + 1) + 1 evaluations.
    /// </summary>
    public static double[] Hessian(Func<double[], double> f, double[] x)
    {
        int n = x.Length;
        double f0 = f(x);
        var h0 = FirstSteps(x, HessianStep);
        var hess = new double[n * n];
        var col = new double[Steps];
        double At(int i, double si, int j, double sj, double scale)
        {
            var w = (double[])x.Clone();
            w[i] += si * h0[i] * scale;
            if (sj != 0) w[j] += sj * h0[j] * scale;
            return f(w);
        }
        for (int i = 0; i < n; i++)
        {
            double s = 1;
            for (int k = 0; k < Steps; k++, s /= 2)
            {
                double h = h0[i] * s;
                col[k] = (At(i, 1, i, 0, s) - 2 * f0 + At(i, -1, i, 0, s)) / (h * h);
            }
            hess[i * n + i] = Extrapolate(col);
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++)
            {
                double s = 1;
                for (int k = 0; k < Steps; k++, s /= 2)
                {
                    double hi = h0[i] * s, hj = h0[j] * s;
                    col[k] = (At(i, 1, j, 1, s) - 2 * f0 + At(i, -1, j, -1, s) - hess[i * n + i] * hi * hi - hess[j * n + j] * hj * hj)
                        / (2 * hi * hj);
                }
                hess[i * n + j] = hess[j * n + i] = Extrapolate(col);
            }
        return hess;
    }

    /// <summary>
    /// The Jacobian ∂fₐ/∂xᵢ of a vector function f (m outputs) at x, as n columns of length m: column i is the
    /// extrapolated (f(x + hᵢeᵢ) − f(x − hᵢeᵢ))/(2hᵢ). Uses 8n evaluations.
    /// </summary>
    public static double[][] Jacobian(Func<double[], double[]> f, double[] x)
    {
        int n = x.Length;
        var h0 = FirstSteps(x, JacobianStep);
        var result = new double[n][];
        for (int i = 0; i < n; i++)
        {
            double[][] d = new double[Steps][];
            double s = 1;
            for (int k = 0; k < Steps; k++, s /= 2)
            {
                double h = h0[i] * s;
                var xp = (double[])x.Clone();
                var xm = (double[])x.Clone();
                xp[i] += h;
                xm[i] -= h;
                var fp = f(xp);
                var fm = f(xm);
                d[k] = [.. fp.Select((v, a) => (v - fm[a]) / (2 * h))];
            }
            int m = d[0].Length;
            var col = new double[Steps];
            result[i] = new double[m];
            for (int a = 0; a < m; a++)
            {
                for (int k = 0; k < Steps; k++) col[k] = d[k][a];
                result[i][a] = Extrapolate(col);
            }
        }
        return result;
    }
}

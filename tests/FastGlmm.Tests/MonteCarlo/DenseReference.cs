namespace FastGlmm.Tests.MonteCarlo;

/// <summary>
/// Independent dense reference formulas for the Monte Carlo tests: log-determinant and quadratic forms by
/// Gaussian elimination with partial pivoting (not the library's Cholesky), multivariate normal and t densities.
/// Matrices are n × n row-major.
/// </summary>
internal static class DenseReference
{
    /// <summary>(log det A, x'A⁻¹x) for symmetric positive definite A.</summary>
    public static (double LogDet, double Quad) Solve(double[] a, double[] x)
    {
        int n = x.Length;
        var m = (double[])a.Clone();
        var v = (double[])x.Clone();
        double logDet = 0;
        for (int c = 0; c < n; c++)
        {
            int piv = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(m[r * n + c]) > Math.Abs(m[piv * n + c])) piv = r;
            if (piv != c)
            {
                for (int k = 0; k < n; k++) (m[c * n + k], m[piv * n + k]) = (m[piv * n + k], m[c * n + k]);
                (v[c], v[piv]) = (v[piv], v[c]);
            }
            logDet += Math.Log(Math.Abs(m[c * n + c]));
            for (int r = c + 1; r < n; r++)
            {
                double f = m[r * n + c] / m[c * n + c];
                for (int k = c; k < n; k++) m[r * n + k] -= f * m[c * n + k];
                v[r] -= f * v[c];
            }
        }
        var sol = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double s = v[r];
            for (int k = r + 1; k < n; k++) s -= m[r * n + k] * sol[k];
            sol[r] = s / m[r * n + r];
        }
        double quad = 0;
        for (int i = 0; i < n; i++) quad += x[i] * sol[i];
        return (logDet, quad);
    }

    /// <summary>log N(x; μ, Σ).</summary>
    public static double LogNormal(double[] x, double[] mu, double[] sigma)
    {
        var d = x.Select((v, i) => v - mu[i]).ToArray();
        var (ld, q) = Solve(sigma, d);
        return -0.5 * x.Length * Math.Log(2 * Math.PI) - 0.5 * ld - 0.5 * q;
    }

    /// <summary>log t_ν(x; μ, Σ).</summary>
    public static double LogT(double[] x, double[] mu, double[] sigma, double nu)
    {
        int n = x.Length;
        var d = x.Select((v, i) => v - mu[i]).ToArray();
        var (ld, q) = Solve(sigma, d);
        return LogGamma((nu + n) / 2) - LogGamma(nu / 2) - 0.5 * n * Math.Log(nu * Math.PI) - 0.5 * ld - (nu + n) / 2 * Math.Log(1 + q / nu);
    }

    /// <summary>log Γ(x) for x &gt; 0 by the Lanczos approximation (g = 7, 9 terms), independent of the library's.</summary>
    public static double LogGamma(double x)
    {
        double[] c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        x -= 1;
        double a = c[0], t = x + 7.5;
        for (int i = 1; i < 9; i++) a += c[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    /// <summary>Σ = LL' for a lower-triangular L (row-major).</summary>
    public static double[] Outer(double[] l, int n)
    {
        var s = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k <= Math.Min(i, j); k++) s[i * n + j] += l[i * n + k] * l[j * n + k];
        return s;
    }
}

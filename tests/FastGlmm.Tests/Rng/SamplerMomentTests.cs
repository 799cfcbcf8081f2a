using FastGlmm.Families;
using FastGlmm.Rng;

namespace FastGlmm.Tests.Rng;

/// <summary>
/// Sample means and variances of 10⁵ seeded draws against the exact moments, within 4.5 standard errors
/// (SE of the variance from the fourth central moment), and χ² goodness of fit for the discrete samplers on both
/// sides of their inversion/rejection switch. Fixed seeds: the outcomes are deterministic.
/// </summary>
public class SamplerMomentTests
{
    private const int N = 100_000;
    private const double Z = 4.5;

    private static void CheckMoments(double[] x, double mean, double variance, double excessKurtosis, string what)
    {
        double m = x.Average();
        double v = x.Sum(t => (t - m) * (t - m)) / (x.Length - 1);
        double seMean = Math.Sqrt(variance / x.Length);
        double seVar = variance * Math.Sqrt((2.0 + excessKurtosis) / x.Length);
        Assert.True(Math.Abs(m - mean) <= Z * seMean, $"{what}: mean {m} vs {mean} (SE {seMean})");
        Assert.True(Math.Abs(v - variance) <= Z * seVar, $"{what}: variance {v} vs {variance} (SE {seVar})");
    }

    [Fact]
    public void Uniform_MomentsAndRange()
    {
        var s = new PhiloxStream(11, 0);
        var x = new double[N];
        for (int i = 0; i < N; i++) x[i] = s.Uniform((ulong)i);
        Assert.All(x, u => Assert.InRange(u, double.Epsilon, 1 - Math.Pow(2, -53)));
        CheckMoments(x, 0.5, 1.0 / 12, -1.2, "uniform");
    }

    [Fact]
    public void Normal_Moments()
    {
        var s = new PhiloxStream(12, 5);
        var x = new double[N];
        for (int i = 0; i < N; i++) x[i] = s.Normal((ulong)i);
        CheckMoments(x, 0, 1, 0, "normal");
        double below = x.Count(t => t < -1.959963984540054) / (double)N;
        Assert.True(Math.Abs(below - 0.025) < Z * Math.Sqrt(0.025 * 0.975 / N), $"P(Z < -1.96) = {below}");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(3.0)]
    [InlineData(9.99)]
    [InlineData(10.0)]
    [InlineData(25.5)]
    [InlineData(1000.0)]
    [InlineData(1e7)]
    public void Poisson_Moments(double mu)
    {
        var s = new PhiloxStream(13, (ulong)(mu * 100));
        var x = new double[N];
        for (int i = 0; i < N; i++) x[i] = s.Poisson(mu, (ulong)i);
        CheckMoments(x, mu, mu, 1 / mu, $"Poisson({mu})");
    }

    [Theory]
    [InlineData(1, 0.3)]
    [InlineData(20, 0.2)]
    [InlineData(50, 0.1)]
    [InlineData(100, 0.5)]
    [InlineData(60, 0.7)]
    [InlineData(1000, 0.99)]
    [InlineData(1000000, 0.3)]
    public void Binomial_Moments(long n, double p)
    {
        var s = new PhiloxStream(14, (ulong)n);
        var x = new double[N];
        for (int i = 0; i < N; i++) x[i] = s.Binomial(n, p, (ulong)i);
        double q = 1 - p, v = n * p * q;
        Assert.All(x, k => Assert.InRange(k, 0, n));
        CheckMoments(x, n * p, v, (1 - 6 * p * q) / v, $"Binomial({n}, {p})");
    }

    [Theory]
    [InlineData(0.3, 2.0)]
    [InlineData(1.0, 2.0)]
    [InlineData(2.5, 0.5)]
    [InlineData(50.0, 2.0)]
    public void Gamma_Moments(double shape, double scale)
    {
        var s = new PhiloxStream(15, (ulong)(shape * 10));
        var x = new double[N];
        for (int i = 0; i < N; i++) x[i] = s.Gamma(shape, scale, (ulong)i);
        Assert.All(x, g => Assert.True(g >= 0 && double.IsFinite(g)));
        CheckMoments(x, shape * scale, shape * scale * scale, 6 / shape, $"Gamma({shape}, {scale})");
    }

    /// <summary>χ² over the values k with expected count ≥ 5, plus one pooled cell for all other values, against df + 4.5·√(2 df).</summary>
    private static void ChiSquare(Func<ulong, long> draw, Func<long, double> logPmf, long lo, long hi, string what)
    {
        var counts = new Dictionary<long, int>();
        for (int i = 0; i < N; i++) { long k = draw((ulong)i); counts[k] = counts.GetValueOrDefault(k) + 1; }
        double chi2 = 0, obsInCells = 0, expInCells = 0;
        int cells = 0;
        for (long k = lo; k <= hi; k++)
        {
            double e = N * Math.Exp(logPmf(k));
            if (e < 5) continue;
            double o = counts.GetValueOrDefault(k);
            chi2 += (o - e) * (o - e) / e;
            obsInCells += o;
            expInCells += e;
            cells++;
        }
        double pooledObs = N - obsInCells, pooledExp = N - expInCells;
        if (pooledExp >= 5) { chi2 += (pooledObs - pooledExp) * (pooledObs - pooledExp) / pooledExp; cells++; }
        int df = cells - 1;
        Assert.True(df >= 3, $"{what}: too few cells");
        Assert.True(chi2 <= df + Z * Math.Sqrt(2.0 * df), $"{what}: chi2 = {chi2:F1} on {df} df");
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(9.5)]
    [InlineData(10.0)]
    [InlineData(47.0)]
    public void Poisson_ChiSquare(double mu)
    {
        var s = new PhiloxStream(16, (ulong)mu);
        ChiSquare(i => s.Poisson(mu, i), k => LogDensities.Poisson(k, mu), 0, (long)(mu + 10 * Math.Sqrt(mu) + 10), $"Poisson({mu})");
    }

    [Theory]
    [InlineData(20, 0.2)]
    [InlineData(40, 0.26)]
    [InlineData(100, 0.5)]
    [InlineData(300, 0.93)]
    public void Binomial_ChiSquare(long n, double p)
    {
        var s = new PhiloxStream(17, (ulong)n);
        ChiSquare(i => s.Binomial(n, p, i), k => LogDensities.Binomial(k, n, p), 0, n, $"Binomial({n}, {p})");
    }
}

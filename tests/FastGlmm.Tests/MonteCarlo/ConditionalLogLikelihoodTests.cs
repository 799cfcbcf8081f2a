using FastGlmm.Families;
using FastGlmm.MonteCarlo;

namespace FastGlmm.Tests.MonteCarlo;

/// <summary>The canonical-link kernels: kernel + normalizing constant = R's dbinom/dpois, derivatives by finite
/// differences, and the vectorized path equal to the scalar one, with no NaN at extreme η.</summary>
public class ConditionalLogLikelihoodTests
{
    [Theory]
    [InlineData("binomial")]
    [InlineData("poisson")]
    public void KernelPlusConstant_IsTheFullLogDensity(string family)
    {
        var spec = FamilySpec.Parse(family);
        var fam = Family.For(spec);
        double[] y = family == "binomial" ? [0.0, 1.0, 0.3, 0.75] : [0.0, 3.0, 7.0, 1.0];
        double[] w = family == "binomial" ? [1.0, 1.0, 10.0, 4.0] : [1.0, 1.0, 1.0, 1.0];
        double c = ConditionalLogLikelihood.NormalizingConstant(spec, y, w);
        foreach (double eta in new[] { -3.0, -0.2, 0.0, 1.7 })
        {
            double kernel = 0, full = 0;
            for (int i = 0; i < y.Length; i++)
            {
                kernel += family == "binomial"
                    ? BinomialLogitLikelihood.Evaluate(eta, y[i], w[i], out _, out _)
                    : PoissonLogLikelihood.Evaluate(eta, y[i], w[i], out _, out _);
                full += fam.LogDensity(y[i], fam.LinkInverse(eta), w[i]);
            }
            Assert.Equal(full, kernel + c, 1e-10);
        }
    }

    [Fact]
    public void Derivatives_MatchFiniteDifferences()
    {
        foreach (double eta in new[] { -4.0, -0.5, 0.0, 0.8, 3.0 })
        {
            const double h = 1e-5;
            BinomialLogitLikelihood.Evaluate(eta, 0.4, 5, out double d1, out double d2);
            double lu = BinomialLogitLikelihood.Evaluate(eta + h, 0.4, 5, out double d1u, out _);
            double ld = BinomialLogitLikelihood.Evaluate(eta - h, 0.4, 5, out double d1d, out _);
            Assert.Equal((lu - ld) / (2 * h), d1, 1e-8);
            Assert.Equal((d1u - d1d) / (2 * h), d2, 1e-7);
            PoissonLogLikelihood.Evaluate(eta, 2, 1, out d1, out d2);
            lu = PoissonLogLikelihood.Evaluate(eta + h, 2, 1, out d1u, out _);
            ld = PoissonLogLikelihood.Evaluate(eta - h, 2, 1, out d1d, out _);
            Assert.Equal((lu - ld) / (2 * h), d1, 1e-6);
            Assert.Equal((d1u - d1d) / (2 * h), d2, 1e-6);
        }
    }

    [Fact]
    public void VectorizedPath_EqualsScalarPath()
    {
        var eta = new[] { -800.0, -40, -3.5, -1e-9, 0, 1e-9, 0.7, 2.5, 36, 700, 5, -5, 0.1 };
        var y = eta.Select((_, i) => i % 3 == 0 ? 1.0 : i % 3 == 1 ? 0.0 : 0.5).ToArray();
        var w = eta.Select((_, i) => 1.0 + i % 4).ToArray();
        var d1 = new double[eta.Length];
        var d2 = new double[eta.Length];
        double sum = BinomialLogitLikelihood.EvaluateMany(eta, y, w, d1, d2);
        double expected = 0;
        for (int i = 0; i < eta.Length; i++)
        {
            expected += BinomialLogitLikelihood.Evaluate(eta[i], y[i], w[i], out double a, out double b);
            Assert.Equal(a, d1[i], 1e-14 * Math.Max(1, Math.Abs(a)));
            Assert.Equal(-b, d2[i], 1e-14 * Math.Max(1e-300, Math.Abs(b)));
            Assert.False(double.IsNaN(d1[i]) || double.IsNaN(d2[i]));
        }
        Assert.Equal(expected, sum, 1e-12 * Math.Abs(expected));
        var counts = eta.Select((_, i) => (double)(i % 5)).ToArray();
        var small = eta.Select(e => Math.Clamp(e, -30, 30)).ToArray();
        sum = PoissonLogLikelihood.EvaluateMany(small, counts, w, d1, d2);
        expected = 0;
        for (int i = 0; i < eta.Length; i++)
        {
            expected += PoissonLogLikelihood.Evaluate(small[i], counts[i], w[i], out double a, out double b);
            Assert.Equal(a, d1[i], 1e-13 * Math.Max(1, Math.Abs(a)));
            Assert.Equal(-b, d2[i], 1e-13 * Math.Max(1e-300, Math.Abs(b)));
        }
        Assert.Equal(expected, sum, 1e-12 * Math.Abs(expected));
    }
}

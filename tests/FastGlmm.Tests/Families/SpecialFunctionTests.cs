using FastGlmm.Families;
using static FastGlmm.Tests.Families.FamilyReference;

namespace FastGlmm.Tests.Families;

/// <summary>Log-gamma, log-choose, normal functions, log1p/expm1 and the density kernels against R and mpmath.</summary>
public class SpecialFunctionTests
{
    [Fact]
    public void LogGamma_MatchesR_To1e14()
    {
        var e = Json.GetProperty("lgamma");
        double[] x = e.Numbers("x"), v = e.Numbers("value");
        foreach (double required in new[] { 0.5, 1, 1.5, 2, 10, 100.5, 1e6 }) Assert.Contains(required, x);
        for (int i = 0; i < x.Length; i++) Close(v[i], SpecialFunctions.LogGamma(x[i]), 1e-14, $"lgamma({x[i]:R})");
    }

    [Fact]
    public void LogGamma_IsExactAtRootsAndPoles()
    {
        Assert.Equal(0.0, SpecialFunctions.LogGamma(1.0));
        Assert.Equal(0.0, SpecialFunctions.LogGamma(2.0));
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.LogGamma(0.0));
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.LogGamma(-3.0));
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.LogGamma(double.PositiveInfinity));
        Assert.True(double.IsNaN(SpecialFunctions.LogGamma(double.NaN)));
    }

    /// <summary>Near its roots R's lgamma (log|gamma(x)|) loses relative accuracy; these are mpmath values (50 digits).</summary>
    [Theory]
    [InlineData(1.00000001, -5.772156531688512e-09)]
    [InlineData(0.9999999, 5.772157468444193e-08)]
    [InlineData(1.0000000000001, -5.767543092131184e-14)]
    [InlineData(2.000001, 4.2278465762452923e-07)]
    [InlineData(1.999999, -4.227840125965854e-07)]
    [InlineData(1.4616321449683622, -0.12148629053584961)]
    [InlineData(2.5, 0.2846828704729192)]
    [InlineData(0.25, 1.2880225246980774)]
    [InlineData(0.75, 0.20328095143129538)]
    [InlineData(5.5, 3.9578139676187165)]
    [InlineData(9.75, 12.242204940050762)]
    [InlineData(3e-9, 19.624653546546654)]
    [InlineData(123.456, 469.6055471299295)]
    public void LogGamma_MatchesHighPrecision(double x, double expected) =>
        Close(expected, SpecialFunctions.LogGamma(x), 4e-15, $"lgamma({x:R})");

    [Fact]
    public void LogChoose_And_LogFactorial_MatchR()
    {
        var c = Json.GetProperty("lchoose");
        double[] n = c.Numbers("n"), k = c.Numbers("k"), v = c.Numbers("value");
        for (int i = 0; i < n.Length; i++) Close(v[i], SpecialFunctions.LogChoose(n[i], k[i]), 1e-13, $"lchoose({n[i]}, {k[i]})");
        var f = Json.GetProperty("lfactorial");
        double[] x = f.Numbers("x"), lv = f.Numbers("value");
        for (int i = 0; i < x.Length; i++) Close(lv[i], SpecialFunctions.LogFactorial(x[i]), 1e-14, $"lfactorial({x[i]})");
        Assert.Equal(double.NegativeInfinity, SpecialFunctions.LogChoose(5, 6));
        Assert.Equal(0.0, SpecialFunctions.LogChoose(7, 0));
    }

    [Fact]
    public void NormalCdfDensityQuantile_MatchR()
    {
        var e = Json.GetProperty("normal");
        double[] x = e.Numbers("x"), p = e.Numbers("pnorm"), d = e.Numbers("dnorm");
        for (int i = 0; i < x.Length; i++)
        {
            Close(p[i], StandardNormal.Cdf(x[i]), 1e-13, $"pnorm({x[i]:R})");
            Close(d[i], StandardNormal.Density(x[i]), 1e-13, $"dnorm({x[i]:R})");
        }
        var q = Json.GetProperty("qnorm");
        double[] qp = q.Numbers("p"), qv = q.Numbers("value");
        for (int i = 0; i < qp.Length; i++) Close(qv[i], StandardNormal.Quantile(qp[i]), 1e-13, $"qnorm({qp[i]:R})");
        Assert.Equal(double.NegativeInfinity, StandardNormal.Quantile(0));
        Assert.Equal(double.PositiveInfinity, StandardNormal.Quantile(1));
        Assert.True(double.IsNaN(StandardNormal.Quantile(1.5)));
    }

    /// <summary>mpmath values; the BCL's double.LogP1/ExpM1 would fail the small-argument cases.</summary>
    [Theory]
    [InlineData(1e-8, 9.999999950000001e-09, 1.0000000050000001e-08)]
    [InlineData(-1e-8, -1.0000000050000001e-08, -9.999999950000001e-09)]
    [InlineData(1e-3, 0.0009995003330835331, 0.0010005001667083417)]
    [InlineData(0.5, 0.4054651081081644, 0.6487212707001282)]
    [InlineData(-0.5, -0.6931471805599453, -0.3934693402873666)]
    [InlineData(1e-300, 1e-300, 1e-300)]
    [InlineData(3.0, 1.3862943611198906, 19.085536923187668)]
    public void Log1pExpm1_AreAccurate(double x, double log1p, double expm1)
    {
        Close(log1p, StableMath.Log1p(x), 4e-16, $"log1p({x:R})");
        Close(expm1, StableMath.Expm1(x), 4e-16, $"expm1({x:R})");
    }

    [Fact]
    public void Log1pExpm1_EdgeCases()
    {
        Assert.Equal(double.NegativeInfinity, StableMath.Log1p(-1));
        Assert.True(double.IsNaN(StableMath.Log1p(-2)));
        Assert.Equal(double.PositiveInfinity, StableMath.Log1p(double.PositiveInfinity));
        Close(-9.210340371976294, StableMath.Log1p(-0.9999), 1e-12, "log1p(-0.9999)");
        Assert.Equal(-1.0, StableMath.Expm1(-40));
        Assert.Equal(-1.0, StableMath.Expm1(double.NegativeInfinity));
        Assert.Equal(double.PositiveInfinity, StableMath.Expm1(710));
        Close(1.0142320547350045e+304, StableMath.Expm1(700), 1e-14, "expm1(700)");
    }

    [Fact]
    public void DensityKernels_EdgeCases()
    {
        Assert.Equal(double.NegativeInfinity, LogDensities.Poisson(2.5, 3));   // non-integer count
        Assert.Equal(-3.0, LogDensities.Poisson(0, 3));
        Assert.Equal(0.0, LogDensities.Poisson(0, 0));
        Assert.Equal(double.NegativeInfinity, LogDensities.Poisson(1, 0));
        Assert.Equal(0.0, LogDensities.Binomial(0, 0, 0.3));
        Assert.Equal(0.0, LogDensities.Binomial(4, 4, 1.0));
        Assert.Equal(double.NegativeInfinity, LogDensities.Binomial(5, 4, 0.5));
        Assert.True(double.IsNaN(LogDensities.Binomial(1, 4, 1.5)));
        Assert.Equal(-Math.Log(2.0), LogDensities.Gamma(0, 1, 2));
        Assert.Equal(double.PositiveInfinity, LogDensities.Gamma(0, 0.5, 2));
        Assert.Equal(double.NegativeInfinity, LogDensities.Gamma(-1, 2, 2));
        Close(-0.5 * Math.Log(2 * Math.PI), LogDensities.Normal(3, 3, 1), 1e-15, "dnorm(0)");
        Close(Math.Log(0.5), LogDensities.Binomial(1, 2, 0.5) , 1e-15, "dbinom(1,2,.5)"); // = log(1/2)
    }
}

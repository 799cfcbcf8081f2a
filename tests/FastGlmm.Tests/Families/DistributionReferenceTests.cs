using System.Text.Json;
using FastGlmm.Families;
using static FastGlmm.Tests.Families.FamilyReference;

namespace FastGlmm.Tests.Families;

/// <summary>
/// Variance, deviance residuals, log densities and starting values of the distribution structs against R and
/// lme4 1.1-31 (family_reference.json), to 1e-12 relative.
/// </summary>
public class DistributionReferenceTests
{
    private const double Tol = 1e-12;

    private sealed record Cases(double[] Y, double[] Mu, double[] Wt, double[]? Dispersion, double[] RVar, double[] Lme4Var,
        double[] RDev, double[] Lme4Dev, double[] LogDensity);

    private static Cases Load(string family)
    {
        JsonElement e = Json.GetProperty("families").GetProperty(family);
        return new Cases(e.Numbers("y"), e.Numbers("mu"), e.Numbers("wt"),
            e.TryGetProperty("dispersion", out _) ? e.Numbers("dispersion") : null,
            e.Numbers("r_variance"), e.Numbers("lme4_variance"), e.Numbers("r_dev_resids"), e.Numbers("lme4_dev_resids"),
            e.Numbers("log_density"));
    }

    private static void Check<TDist>(string family) where TDist : struct, IDistribution
    {
        var c = Load(family);
        Assert.True(c.Y.Length >= 20);
        for (int i = 0; i < c.Y.Length; i++)
        {
            string at = $"{family}(y={c.Y[i]:R}, μ={c.Mu[i]:R}, wt={c.Wt[i]:R}{(c.Dispersion is null ? "" : $", φ={c.Dispersion[i]:R}")})";
            Close(c.Lme4Var[i], TDist.Variance(c.Mu[i]), Tol, $"{at} variance vs lme4");
            Close(c.RVar[i], TDist.Variance(c.Mu[i]), Tol, $"{at} variance vs R");
            double dev = TDist.DevianceResidual(c.Y[i], c.Mu[i], c.Wt[i]);
            Close(c.RDev[i], dev, Tol, $"{at} dev.resids vs R");
            Close(c.Lme4Dev[i], dev, Tol, $"{at} devResid vs lme4");
            double ld = c.Dispersion is null
                ? TDist.LogDensity(c.Y[i], c.Mu[i], c.Wt[i])
                : TDist.LogDensity(c.Y[i], c.Mu[i], c.Wt[i], c.Dispersion[i]);
            Close(c.LogDensity[i], ld, Tol, $"{at} log density");
        }
    }

    [Fact]
    public void Binomial_MatchesRAndLme4() => Check<BinomialDistribution>("binomial");

    [Fact]
    public void Poisson_MatchesRAndLme4() => Check<PoissonDistribution>("poisson");

    [Fact]
    public void Gamma_MatchesRAndLme4() => Check<GammaDistribution>("Gamma");

    [Fact]
    public void Gaussian_MatchesRAndLme4() => Check<GaussianDistribution>("gaussian");

    /// <summary>lme4's binomial variance is max(μ(1 − μ), ε); R's binomial()$variance is unclamped (0 at μ = 0, 1).</summary>
    [Fact]
    public void BinomialVariance_UsesLme4sEpsilonClamp()
    {
        var e = Json.GetProperty("binomial_variance_clamp");
        double[] mu = e.Numbers("mu"), r = e.Numbers("r"), lme4 = e.Numbers("lme4");
        for (int i = 0; i < mu.Length; i++) Assert.Equal(lme4[i], BinomialDistribution.Variance(mu[i]));
        Assert.Equal(0.0, r[0]);
        Assert.Equal(Clamps.Epsilon, BinomialDistribution.Variance(0.0));
        Assert.Equal(Clamps.Epsilon, BinomialDistribution.Variance(1.0));
    }

    [Fact]
    public void BinomialDeviance_TreatsZeroLogZeroAsZero()
    {
        Assert.Equal(0.0, BinomialDistribution.DevianceResidual(0, 0, 1));
        Assert.Equal(0.0, BinomialDistribution.DevianceResidual(1, 1, 1));
        Assert.Equal(-2 * Math.Log(1 - 0.3), BinomialDistribution.DevianceResidual(0, 0.3, 1), 15);
        Assert.Equal(0.0, BinomialDistribution.LogDensity(1, 0.5, 0)); // no trials: lme4 adds 0
    }

    /// <summary>R's family$initialize mustart: (wy + ½)/(w + 1), y + 0.1, y, y.</summary>
    [Theory]
    [InlineData("binomial", FamilyId.Binomial)]
    [InlineData("poisson", FamilyId.Poisson)]
    [InlineData("Gamma", FamilyId.Gamma)]
    [InlineData("gaussian", FamilyId.Gaussian)]
    public void InitialMu_MatchesRInitialize(string name, FamilyId id)
    {
        var e = Json.GetProperty("initialize").GetProperty(name);
        double[] y = e.Numbers("y"), wt = e.Numbers("wt"), mustart = e.Numbers("mustart");
        var f = Family.For(new FamilySpec(id, FamilySpec.DefaultLink(id)));
        for (int i = 0; i < y.Length; i++) Close(mustart[i], f.InitialMu(y[i], wt[i]), 1e-15, $"{name} mustart({y[i]:R}, {wt[i]:R})");
    }

    /// <summary>
    /// −2 Σ LogDensity equals lme4's glmFamily aic() on whole vectors: binomial and Poisson directly, Gamma with
    /// φ = Σd/Σwt plus 2, gaussian with σ² = Σd/n plus 2 (aic's parameter terms).
    /// </summary>
    [Theory]
    [InlineData("binomial", FamilyId.Binomial)]
    [InlineData("poisson", FamilyId.Poisson)]
    [InlineData("Gamma", FamilyId.Gamma)]
    [InlineData("gaussian", FamilyId.Gaussian)]
    public void LogDensitySum_ReproducesLme4Aic(string name, FamilyId id)
    {
        var e = Json.GetProperty("aic").GetProperty(name);
        double[] y = e.Numbers("y"), mu = e.Numbers("mu"), wt = e.Numbers("wt");
        double dev = e.GetProperty("dev").Number(), aic = e.GetProperty("aic").Number();
        var f = Family.For(new FamilySpec(id, FamilySpec.DefaultLink(id)));
        Close(dev, Enumerable.Range(0, y.Length).Sum(i => f.DevianceResidual(y[i], mu[i], wt[i])), Tol, $"{name} deviance");
        double dispersion = id switch { FamilyId.Gamma => dev / wt.Sum(), FamilyId.Gaussian => dev / y.Length, _ => 1.0 };
        double m2ll = -2 * Enumerable.Range(0, y.Length).Sum(i => f.LogDensity(y[i], mu[i], wt[i], dispersion));
        Close(aic, m2ll + (f.HasScale ? 2.0 : 0.0), Tol, $"{name} aic");
    }

    [Fact]
    public void FamilyIds_AndCanonicalLinks()
    {
        Assert.Equal((FamilyId.Gaussian, LinkId.Identity, true), (GaussianDistribution.Id, GaussianDistribution.CanonicalLink, GaussianDistribution.HasScale));
        Assert.Equal((FamilyId.Binomial, LinkId.Logit, false), (BinomialDistribution.Id, BinomialDistribution.CanonicalLink, BinomialDistribution.HasScale));
        Assert.Equal((FamilyId.Poisson, LinkId.Log, false), (PoissonDistribution.Id, PoissonDistribution.CanonicalLink, PoissonDistribution.HasScale));
        Assert.Equal((FamilyId.Gamma, LinkId.Inverse, true), (GammaDistribution.Id, GammaDistribution.CanonicalLink, GammaDistribution.HasScale));
    }
}

using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;

namespace FastGlmm.Tests.Fitting;

/// <summary>
/// The beta family (logit, precision φ) and Tweedie (log, φ and the power p) against glmmTMB 1.1.5's beta_family() on tests/data/extra/beta_sim.csv
/// (tests/data/rgen/beta_reference.R): logLik, fixef, sqrt(diag(vcov)), sigma() (φ) and the random-effect SD, to a
/// held-out battery's tolerances (logLik ≥ peer − 1e-4, β within 2e-3, φ within 1e-3 relative, SD within 2e-3).
/// </summary>
public class BetaFamilyTests
{
    private static FastGlmm.Model.FitResult Fit(string formula, string? weights = null) =>
        MixedModel.Fit(ModelFrame.Build(TestData.Dataset("beta_sim.csv", "extra"), formula,
            new ModelFrameOptions { Family = FamilySpec.Parse("beta"), WeightsColumn = weights }));

    [Theory]
    [InlineData("y ~ x + (1 | g)", null, 241.7977266089, new[] { -0.4838696809, 0.7871799786 }, new[] { 0.07708270404, 0.05107980658 }, 12.53446491, 0.3564868924)]
    [InlineData("y ~ x + (1 | g)", "w", 384.4941386615, new[] { -0.4856244093, 0.8033721708 }, new[] { 0.07484169071, 0.04122970498 }, 13.15949663, 0.3551166972)]
    [InlineData("y ~ x", null, 199.6370120703, new[] { -0.4694123392, 0.7604248417 }, new[] { 0.0332263718, 0.05670132628 }, 8.942263156, double.NaN)]
    public void MatchesGlmmTmb(string formula, string? weights, double logLik, double[] beta, double[] se, double phi, double sd)
    {
        var fit = Fit(formula, weights);
        Assert.True(fit.LogLik >= logLik - 1e-4 && fit.LogLik <= logLik + 1e-3, $"{fit.LogLik:R}");
        for (int j = 0; j < beta.Length; j++)
        {
            Assert.Equal(beta[j], fit.Beta[j], 2e-3);
            Assert.Equal(se[j], fit.BetaSe[j], 1e-3 * se[j]);
        }
        Assert.Equal(phi, fit.Dispersion!.Value, 1e-3 * phi);
        if (!double.IsNaN(sd)) Assert.Equal(sd, fit.VarCorr[0].SdOrCorrelation, 2e-3);
        Assert.Contains("beta precision", fit.DispersionKind);
    }

    [Fact]
    public void ResponseOutsideTheUnitInterval_IsOneLine()
    {
        var data = new FastGlmm.Data.DataTable([new FastGlmm.Data.NumericColumn("y", [0.2, 0.5, 1.0, 0.3]),
            new FastGlmm.Data.NumericColumn("g", [1, 1, 2, 2])], "d").AsFactors(["g"]);
        var e = Assert.ThrowsAny<UserInputException>(() => ModelFrame.Build(data, "y ~ 1 + (1 | g)", new ModelFrameOptions { Family = FamilySpec.Parse("beta") }));
        Assert.Equal("d, row 3: response y = 1 is outside (0, 1); the beta family needs values strictly between 0 and 1", e.Message);
    }

    [Theory]
    // glmmTMB(y ~ x + (1 | g) [or y ~ x], tweedie_sim, family = tweedie()): logLik, fixef, SEs, sigma() (φ), family_params() (p), SD.
    [InlineData("y ~ x + (1 | g)", -857.8248855755, new[] { 0.3490348569, 0.4143544488 }, new[] { 0.106256002, 0.0476984799 }, 1.288230536, 1.617721719, 0.5095032609)]
    [InlineData("y ~ x", -878.2221335794, new[] { 0.4650589995, 0.4278855505 }, null, 1.483048962, 1.646330339, double.NaN)]
    public void Tweedie_MatchesGlmmTmb(string formula, double logLik, double[] beta, double[]? se, double phi, double power, double sd)
    {
        var fit = MixedModel.Fit(ModelFrame.Build(TestData.Dataset("tweedie_sim.csv", "extra"), formula,
            new ModelFrameOptions { Family = FamilySpec.Parse("tweedie") }));
        Assert.True(fit.LogLik >= logLik - 1e-4 && fit.LogLik <= logLik + 1e-3, $"{fit.LogLik:R}");
        for (int j = 0; j < beta.Length; j++) Assert.Equal(beta[j], fit.Beta[j], 2e-3);
        if (se is not null) for (int j = 0; j < se.Length; j++) Assert.Equal(se[j], fit.BetaSe[j], 1e-3 * se[j]);
        Assert.Equal(phi, fit.Dispersion!.Value, 1e-3 * phi);
        Assert.Equal(power, fit.Power!.Value, 1e-3);
        if (!double.IsNaN(sd)) Assert.Equal(sd, fit.VarCorr[0].SdOrCorrelation, 2e-3);
    }

    [Fact]
    public void TweedieSeries_MatchesTheCompoundPoissonGammaDensity()
    {
        // f(y) = Σ_n Pois(n; λ) Gamma(y; n·shape, scale) for y > 0, λ = μ^{2−p}/(φ(2 − p)), shape (2 − p)/(p − 1),
        // scale φ(p − 1)μ^{p−1}: summed directly here, against the series' log density.
        double mu = 2.3, phi = 1.3, p = 1.6, y = 3.7;
        double lam = Math.Pow(mu, 2 - p) / (phi * (2 - p)), shape = (2 - p) / (p - 1), scale = phi * (p - 1) * Math.Pow(mu, p - 1);
        double f = 0;
        for (int n = 1; n < 200; n++)
        {
            double logPois = -lam + n * Math.Log(lam) - SpecialFunctions.LogGamma(n + 1);
            double a = n * shape, logGamma = (a - 1) * Math.Log(y) - y / scale - SpecialFunctions.LogGamma(a) - a * Math.Log(scale);
            f += Math.Exp(logPois + logGamma);
        }
        Assert.Equal(Math.Log(f), Tweedie.LogDensity(y, mu, phi, p), 1e-12);
        Assert.Equal(-lam, Tweedie.LogDensity(0, mu, phi, p), 1e-14);
    }

    [Fact]
    public void TweedieSimulation_HasItsMoments_AndBootstrapRuns()
    {
        // μ = 2, φ = 1.3, p = 1.6: mean 2, variance φμ^p = 1.3·2^1.6, P(0) = exp(−μ^{2−p}/(φ(2 − p))); 100 000 seeded draws.
        const int n = 100_000;
        var table = new FastGlmm.Data.DataTable([new FastGlmm.Data.NumericColumn("y", [.. Enumerable.Range(0, n).Select(i => (double)(i % 3))])], "d");
        var frame = ModelFrame.Build(table, "y ~ 1", new ModelFrameOptions { Family = FamilySpec.Parse("tweedie") });
        var y = FastGlmm.Inference.ResponseSimulator.SimulateAtMeans(new FastGlmm.Model.GlmmProblem(frame), Enumerable.Repeat(2.0, n).ToArray(), 1.3, 9, 0, power: 1.6);
        double mean = y.Average(), variance = y.Sum(v => (v - mean) * (v - mean)) / (n - 1), v0 = 1.3 * Math.Pow(2, 1.6);
        double zeros = y.Count(v => v == 0) / (double)n, p0 = Math.Exp(-Math.Pow(2, 0.4) / (1.3 * 0.4));
        Assert.True(Math.Abs(mean - 2) < 5 * Math.Sqrt(v0 / n), $"mean {mean}");
        Assert.True(Math.Abs(variance - v0) < 0.05 * v0, $"variance {variance}, {v0}");
        Assert.True(Math.Abs(zeros - p0) < 5 * Math.Sqrt(p0 * (1 - p0) / n), $"zeros {zeros}, {p0}");
        var sim = ModelFrame.Build(TestData.Dataset("tweedie_sim.csv", "extra"), "y ~ x + (1 | g)", new ModelFrameOptions { Family = FamilySpec.Parse("tweedie") });
        var reps = FastGlmm.Inference.ParametricBootstrap.Run(sim, MixedModel.Fit(sim), 0, 3, 4);
        Assert.All(reps, r => Assert.True(r.Failure is null && double.IsFinite(r.LogLik), r.Failure));
    }
}

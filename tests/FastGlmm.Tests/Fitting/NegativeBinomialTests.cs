using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;
using FastGlmm.Likelihood;

namespace FastGlmm.Tests.Fitting;

/// <summary>
/// nbinom2 mixed models against glmmTMB 1.1.5 (observed-information Laplace; logLik, fixef, sqrt(diag(vcov)), sigma(),
/// VarCorr printed with %.10g) and lme4 1.1-31's glmer.nb (Fisher's information), R 4.2.2, to the tolerances a held-out
/// battery asks: logLik ≥ the peer's − 1e-4, β within 2e-3, the dispersion within 1e-3 relative, SDs within 2e-3.
/// </summary>
public class NegativeBinomialTests
{
    private static readonly FamilySpec Nb = FamilySpec.Parse("nbinom2");

    private static FastGlmm.Model.FitResult Fit(DataTable data, string formula, LaplaceInformation? information = null, string? weights = null) =>
        MixedModel.Fit(ModelFrame.Build(data, formula, new ModelFrameOptions { Family = Nb, WeightsColumn = weights }),
            new FitOptions { Laplace = information });

    private static void Check(FastGlmm.Model.FitResult fit, double logLik, double[] beta, double k, double[] sd)
    {
        Assert.True(fit.LogLik >= logLik - 1e-4, $"logLik {fit.LogLik:R} below the peer's {logLik:R}");
        Assert.True(fit.LogLik <= logLik + 1e-3, $"logLik {fit.LogLik:R} far above the peer's {logLik:R}");
        for (int j = 0; j < beta.Length; j++) Assert.True(Math.Abs(beta[j] - fit.Beta[j]) <= 2e-3, $"beta[{j}] {fit.Beta[j]:R}, peer {beta[j]:R}");
        Assert.True(Math.Abs(fit.Dispersion!.Value - k) <= 1e-3 * k, $"k {fit.Dispersion:R}, peer {k:R}");
        var sds = fit.VarCorr.Where(v => v.Var2 is null && v.Group != "Residual").Select(v => v.SdOrCorrelation).ToArray();
        for (int j = 0; j < sd.Length; j++) Assert.True(Math.Abs(sd[j] - sds[j]) <= 2e-3, $"sd[{j}] {sds[j]:R}, peer {sd[j]:R}");
        Assert.True(fit.Convergence.Converged, string.Join("; ", fit.Convergence.Messages));
    }

    [Fact]
    public void RandomIntercept_MatchesGlmmTmb()
    {
        // glmmTMB(y ~ trt + lbase + lage + V4 + (1 | subject), epil, family = nbinom2)
        var fit = Fit(BuiltInDatasets.Load("epil"), "y ~ trt + lbase + lage + V4 + (1 | subject)");
        Check(fit, -626.3266055301, [1.839217176, -0.3156525673, 1.027337242, 0.3307819957, -0.1173841004], 7.422201919, [0.4801861632]);
        double[] se = [0.1091863588, 0.1504292573, 0.1009205982, 0.3424203653, 0.08713709748];
        for (int j = 0; j < se.Length; j++) Assert.True(Math.Abs(se[j] - fit.BetaSe[j]) <= 2e-3 * se[j] + 1e-5, $"se[{j}] {fit.BetaSe[j]:R}, glmmTMB {se[j]:R}");
        Assert.Equal("observed", fit.LaplaceInformation);
        Assert.Equal(5 + 1 + 1, fit.Df);
    }

    [Fact]
    public void ExpectedInformation_MatchesGlmerNb()
    {
        // glmer.nb(y ~ trt + lbase + lage + V4 + (1 | subject), epil): getME(m, "glmer.nb.theta") 7.419220594
        var fit = Fit(BuiltInDatasets.Load("epil"), "y ~ trt + lbase + lage + V4 + (1 | subject)", LaplaceInformation.Expected);
        Check(fit, -626.2601695970, [1.826584063, -0.3151044478, 1.02567228, 0.330226136, -0.1164795849], 7.419220594, [0.479881243]);
        Assert.Equal("expected", fit.LaplaceInformation);
    }

    [Fact]
    public void RandomSlope_ReachesGlmmTmbsOptimum()
    {
        // glmmTMB(y ~ trt + lbase + period + (period | subject), epil, nbinom2), period numeric: a singular fit
        // (correlation −1); VarCorr 0.2753650306, 0.00020689177.
        var fit = Fit(BuiltInDatasets.Load("epil"), "y ~ trt + lbase + period + (period | subject)");
        Assert.True(fit.LogLik >= -626.2806400625 - 1e-4, $"{fit.LogLik:R}");
        double[] beta = [1.945519249, -0.3339283174, 1.011492494, -0.05096333441];
        for (int j = 0; j < 4; j++) Assert.True(Math.Abs(beta[j] - fit.Beta[j]) <= 2e-3);
        Assert.True(Math.Abs(fit.Dispersion!.Value - 7.463109343) <= 1e-3 * 7.463109343);
        Assert.True(Math.Abs(fit.VarCorr[0].Variance - 0.2753650306) <= 2e-3);
        Assert.True(fit.Convergence.Singular);
    }

    [Fact]
    public void WithoutRandomEffects_MatchesGlmmTmb()
    {
        // glmmTMB(y ~ trt + lbase + lage + V4, epil, nbinom2)
        var fit = Fit(BuiltInDatasets.Load("epil"), "y ~ trt + lbase + lage + V4");
        Check(fit, -650.7478263106, [1.914127471, -0.2331896628, 1.05968136, 0.368824042, -0.152348027], 2.62813292, []);
    }

    [Fact]
    public void OwlsWithOffset_AndWithWeights_MatchGlmmTmb()
    {
        // glmmTMB(SiblingNegotiation ~ FoodTreatment * SexParent + offset(logBroodSize) + (1 | Nest), Owls, nbinom2)
        var owls = BuiltInDatasets.Load("owls");
        var a = Fit(owls, "SiblingNegotiation ~ FoodTreatment * SexParent + offset(logBroodSize) + (1 | Nest)");
        Check(a, -1741.8049578122, [0.7083533301, -0.7676914908, -0.02586315959, 0.157733], 0.8419938792, [0.3522712133]);
        // … + weights = rep(1:2, length.out = 599), formula SiblingNegotiation ~ FoodTreatment + ArrivalTime + offset(logBroodSize) + (1 | Nest)
        var w = new double[owls.RowCount];
        for (int i = 0; i < w.Length; i++) w[i] = i % 2 + 1;
        var b = Fit(owls.WithColumn(new NumericColumn("w", w)), "SiblingNegotiation ~ FoodTreatment + ArrivalTime + offset(logBroodSize) + (1 | Nest)", weights: "w");
        Check(b, -2577.0298267502, [3.667545387, -0.7187429685, -0.1211567729], 0.9624332583, [0.4066198075]);
    }

    [Theory]
    [InlineData(-1.0, "row 3: response y = -1 is negative; the negative binomial needs counts 0, 1, 2, …")]
    [InlineData(2.5, "row 3: response y = 2.5 is not a whole number; the negative binomial needs counts 0, 1, 2, …")]
    public void BadCounts_AreOneLineErrors(double bad, string message)
    {
        var data = new DataTable([new NumericColumn("y", [1, 0, bad, 4, 2, 7]), new NumericColumn("g", [1, 1, 1, 2, 2, 2])], "d").AsFactors(["g"]);
        var e = Assert.ThrowsAny<UserInputException>(() => ModelFrame.Build(data, "y ~ 1 + (1 | g)", new ModelFrameOptions { Family = Nb }));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Simulation_HasTheNegativeBinomialsMoments()
    {
        // μ = 3, k = 2: mean 3, variance μ + μ²/k = 7.5; 100 000 seeded draws, within five standard errors.
        const int n = 100_000;
        var data = new DataTable([new NumericColumn("y", [.. Enumerable.Range(0, n).Select(i => (double)(i % 5))])], "d");
        var frame = ModelFrame.Build(data, "y ~ 1", new ModelFrameOptions { Family = Nb });
        var y = ResponseSimulator.SimulateAtMeans(new FastGlmm.Model.GlmmProblem(frame), Enumerable.Repeat(3.0, n).ToArray(), 2.0, 42, 0);
        double mean = y.Average(), variance = y.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        Assert.True(y.All(v => v >= 0 && v == Math.Floor(v)));
        Assert.True(Math.Abs(mean - 3) < 5 * Math.Sqrt(7.5 / n), $"mean {mean}");
        Assert.True(Math.Abs(variance - 7.5) < 5 * 0.06, $"variance {variance}");
    }

    [Fact]
    public void Bootstrap_RefitsTheNegativeBinomial()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("epil"), "y ~ trt + lbase + (1 | subject)", new ModelFrameOptions { Family = Nb });
        var fit = MixedModel.Fit(frame);
        var reps = ParametricBootstrap.Run(frame, fit, 0, 3, 7);
        Assert.Equal(3, reps.Length);
        Assert.All(reps, r => Assert.True(double.IsFinite(r.LogLik) && r.Beta.Length == 3 && r.Failure is null, r.Failure));
        // The same seed gives the same replicates.
        Assert.Equal(reps[1].Beta, ParametricBootstrap.Run(frame, fit, 1, 1, 7)[0].Beta);
    }

    [Fact]
    public void ParametricBootstrapLrt_RefitsBothModels()
    {
        var data = BuiltInDatasets.Load("epil");
        var small = ModelFrame.Build(data, "y ~ trt + lbase + (1 | subject)", new ModelFrameOptions { Family = Nb });
        var large = ModelFrame.Build(data, "y ~ trt * lbase + (1 | subject)", new ModelFrameOptions { Family = Nb });
        var (fs, fl) = (MixedModel.Fit(small), MixedModel.Fit(large));
        var test = ModelComparison.Compare(small, fs, large, fl, pbReplicates: 8, seed: 3);
        Assert.Equal((8, 0), (test.PbReplicates, test.PbFailures));
        Assert.InRange(test.PbPValue!.Value, 1.0 / 9, 1);
        Assert.Equal(1, test.Df);
        Assert.Equal(2 * (fl.LogLik - fs.LogLik), test.Statistic, 1e-9);
    }
}

using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;

namespace FastGlmm.Tests.Inference;

/// <summary>Likelihood-ratio tests against R (pchisq, lme4's anova) and the PB-LRT's calibration.</summary>
public class ModelComparisonTests
{
    [Theory]
    // R 4.2.2: pchisq(x, df, lower.tail = FALSE)
    [InlineData(3.84, 1, 5.004352124870522e-02)]
    [InlineData(10, 3, 1.856613546304323e-02)]
    [InlineData(100, 10, 5.449701982920530e-17)]
    [InlineData(0.5, 4, 9.735009788392561e-01)]
    [InlineData(25, 2, 3.726653172078671e-06)]
    public void ChiSquaredUpperTail_MatchesR(double x, double df, double expected) =>
        Assert.Equal(expected, ChiSquared.UpperTail(x, df), expected * 1e-12);

    private static ModelFrame Cbpp(string f) => ModelFrame.Build(BuiltInDatasets.Load("cbpp"), f,
        new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });

    [Fact]
    public void Cbpp_PeriodLrt_MatchesLme4Anova()
    {
        var sf = Cbpp("cbind(incidence, size - incidence) ~ 1 + (1 | herd)");
        var lf = Cbpp("cbind(incidence, size - incidence) ~ period + (1 | herd)");
        var small = MixedModel.Fit(sf);
        var large = MixedModel.Fit(lf);
        var t = ModelComparison.Compare(sf, small, lf, large, pbReplicates: 200, seed: 1);
        // lme4 1.1-31 anova(): Chisq 25.60994 on 3 df, p = 1.151006e-05 (lme4's optima are ~1e-4 off in logLik).
        Assert.Equal(3, t.Df);
        Assert.Equal(25.60994, t.Statistic, 2e-3);
        Assert.Equal(1.151006e-05, t.PValue!, 2e-7);
        // No simulated statistic comes near 25.6 under the null, so the PB p-value is its minimum 1/(1 + B).
        Assert.Equal(1.0 / (1 + t.PbReplicates), t.PbPValue!.Value, 1e-12);
        Assert.True(t.PbReplicates >= 195, $"{t.PbFailures} failed");
    }

    [Fact]
    public void RemlFits_AreRefused()
    {
        var f = ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ Days + (1 | Subject)");
        var g = ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)");
        var e = Assert.Throws<UserInputException>(() => ModelComparison.Compare(f, MixedModel.Fit(f), g, MixedModel.Fit(g)));
        Assert.Contains("ML fits", e.Message);
    }
}

using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;

namespace FastGlmm.Tests.Inference;

/// <summary>Profile and Wald intervals against lme4 1.1-31's confint() on cbpp.</summary>
public class ProfileConfidenceTests
{
    [Fact]
    public void Cbpp_ProfileIntervals_MatchLme4()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)",
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        var fit = MixedModel.Fit(frame);
        var ci = ProfileConfidence.Profile(frame, fit);
        // R: confint(fit, method = "profile"): .sig01, (Intercept), period2..4. lme4's own devfun is ~1e-3 off
        // in places (unconverged PIRLS); the limits agree to 1e-3.
        double[,] lme4 =
        {
            { 0.3460732033, 1.0999746482 }, { -1.9012119549, -0.9477540060 }, { -1.6167832557, -0.4077630678 },
            { -1.8010243656, -0.5115360713 }, { -2.5007505630, -0.8007553153 },
        };
        Assert.Equal(5, ci.Count);
        for (int j = 0; j < 5; j++)
        {
            Assert.Equal(lme4[j, 0], ci[j].Lower, 1e-3);
            Assert.Equal(lme4[j, 1], ci[j].Upper, 1e-3);
        }
    }

    [Fact]
    public void Cbpp_WaldIntervals_MatchLme4()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)",
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        var ci = ProfileConfidence.Wald(MixedModel.Fit(frame)).Skip(1).ToList();
        // R: confint(fit, method = "Wald") after its .sig01 row (NA; see ConfidenceTableTests); our SEs are glmmTMB's
        // (exact Laplace), lme4's differ by up to 1.2%.
        double[,] lme4 = { { -1.851514071, -0.9451716575 }, { -1.586089320, -0.3977606298 }, { -1.760951689, -0.4954807425 }, { -2.406946566, -0.7525442615 } };
        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(lme4[j, 0], ci[j].Lower, 0.02);
            Assert.Equal(lme4[j, 1], ci[j].Upper, 0.02);
        }
    }
}

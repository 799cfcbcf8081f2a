using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;

namespace FastGlmm.Tests.Fitting;

/// <summary>
/// Models without random effects against R 4.2.2's lm and glm (stats), and their likelihood-ratio tests against mixed
/// models against lme4 1.1-31's anova(merMod, lm/glm). References: logLik, coef, sqrt(diag(vcov)) and
/// summary(glm)$dispersion printed with %.10f.
/// </summary>
public class FixedEffectsOnlyTests
{
    private static ModelFrame Frame(string data, string formula, string family = "gaussian") =>
        ModelFrame.Build(BuiltInDatasets.Load(data), formula, new ModelFrameOptions { Family = FamilySpec.Parse(family) });

    private static void Near(double[] expected, double[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * Math.Abs(expected[i]),
            $"[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void LinearModel_MatchesLmByRemlAndMl()
    {
        // lm(Reaction ~ Days, sleepstudy): logLik(REML = TRUE), logLik(), sigma(), coef(), SEs.
        var frame = Frame("sleepstudy", "Reaction ~ Days");
        var reml = MixedModel.Fit(frame);
        Assert.Equal("REML", reml.Method);
        Assert.Equal(-946.8318317361, reml.LogLik, 1e-8);
        Assert.Equal(47.7147197438, reml.Sigma!.Value, 1e-9);
        Near([251.4051048485, 10.4672859596], reml.Beta, 1e-11);
        Near([6.6101540443, 1.2381952980], reml.BetaSe, 1e-9);
        Assert.Equal(3, reml.Df);
        Assert.Empty(reml.Theta);
        Assert.True(reml.Convergence.Converged);
        var ml = MixedModel.Fit(frame, new FitOptions { Reml = false });
        Assert.Equal(-950.1465281782, ml.LogLik, 1e-8);
        Assert.Equal(47.7147197438 * Math.Sqrt(178.0 / 180), ml.Sigma!.Value, 1e-9); // RSS/n
        Assert.Equal(reml.Fitted, ml.Fitted);
        Assert.Equal(251.4051048485 + 10.4672859596 * 9, reml.Fitted[9], 1e-8);
    }

    [Theory]
    // glm(incidence ~ period + offset(log(size)), poisson, cbpp)
    [InlineData("cbpp", "incidence ~ period + offset(log(size))", "poisson", -94.6127049607,
        new[] { -1.5167472495, -1.0066256811, -1.1273991496, -1.5807677183 }, new[] { 0.1280368799, 0.2742571276, 0.2963477498, 0.3990621324 })]
    // glm(cbind(incidence, size - incidence) ~ period, binomial, cbpp)
    [InlineData("cbpp", "cbind(incidence, size - incidence) ~ period", "binomial", -99.0291994894,
        new[] { -1.2690234894, -1.1707627251, -1.3014053339, -1.7822786353 }, new[] { 0.1449197624, 0.2914677877, 0.3128811716, 0.4130564430 })]
    // glm(Reaction ~ Days, Gamma(link = "log"), sleepstudy): SEs scaled by the Pearson dispersion 0.0238087464
    [InlineData("sleepstudy", "Reaction ~ Days", "Gamma(log)", -943.9346627210,
        new[] { 5.5361326109, 0.0350206377 }, new[] { 0.0213760505, 0.0040041011 })]
    public void GeneralizedLinearModel_MatchesGlm(string data, string formula, string family, double logLik, double[] beta, double[] se)
    {
        var fit = MixedModel.Fit(Frame(data, formula, family));
        Assert.Equal(logLik, fit.LogLik, 1e-7);
        Near(beta, fit.Beta, 1e-8);
        Near(se, fit.BetaSe, 1e-6);
        Assert.True(fit.Convergence.Converged);
        Assert.Equal("IRLS", fit.Convergence.Optimizer);
        if (family.StartsWith("Gamma", StringComparison.Ordinal)) Assert.Equal(0.0238087464, fit.Dispersion!.Value, 1e-9);
        else Assert.Null(fit.Dispersion);
        Assert.Equal(beta.Length + (fit.Dispersion is null ? 0 : 1), fit.Df);
    }

    [Theory]
    // anova(lmer(Reaction ~ Days + (1 | Subject), sleepstudy, REML = FALSE), lm(Reaction ~ Days, sleepstudy))
    [InlineData("sleepstudy", "Reaction ~ Days", "Reaction ~ Days + (1 | Subject)", "gaussian", 106.21441335, -950.14652818, 1e-6)]
    // anova(glmer(… ~ period + (1 | herd), cbpp, binomial), glm(… ~ period, binomial, cbpp)); lme4's default optimum
    // of the GLMM lies 2.8e-4 below ours in logLik (see PredictionTests), so the statistic is 5.7e-4 larger here
    [InlineData("cbpp", "cbind(incidence, size - incidence) ~ period", "cbind(incidence, size - incidence) ~ period + (1 | herd)",
        "binomial", 14.00526620, -99.02919949, 1e-3)]
    public void MixedModelAgainstItsModelWithoutRandomEffects_MatchesLme4Anova(string data, string small, string large,
        string family, double chisq, double smallLogLik, double tolerance)
    {
        var sf = Frame(data, small, family);
        var lf = Frame(data, large, family);
        var o = new FitOptions { Reml = false };
        var s = MixedModel.Fit(sf, o);
        var test = ModelComparison.Compare(sf, s, lf, MixedModel.Fit(lf, o));
        Assert.Equal(smallLogLik, s.LogLik, 1e-7);
        Assert.Equal(chisq, test.Statistic, tolerance);
        Assert.True(test.Statistic >= chisq - 1e-7, $"{test.Statistic:R} below lme4's {chisq:R}");
        Assert.Equal(1, test.Df);
    }

    [Fact]
    public void ParametricBootstrap_OfAGlm_RefitsEachReplicateByIrls()
    {
        // Replicate r of the bootstrap is the glm fit of the response simulated from the fit with key (seed, r); over 400
        // replicates the SD of β̂* estimates glm's standard error (the binomial model holds for its own simulations).
        var frame = Frame("cbpp", "cbind(incidence, size - incidence) ~ period", "binomial");
        var fit = MixedModel.Fit(frame);
        var reps = ParametricBootstrap.Run(frame, fit, 0, 400, seed: 11);
        Assert.All(reps, r => Assert.Null(r.Failure));
        var y = ResponseSimulator.Simulate(new FastGlmm.Model.GlmmProblem(frame), [], fit.Beta, 1, 11, 5);
        Assert.Equal(MixedModel.Fit(frame.WithResponse(y)).Beta, reps[5].Beta);
        for (int j = 0; j < fit.Beta.Length; j++)
        {
            var b = reps.Select(r => r.Beta[j]).ToArray();
            double mean = b.Average(), sd = Math.Sqrt(b.Sum(v => (v - mean) * (v - mean)) / (b.Length - 1));
            Assert.InRange(sd / fit.BetaSe[j], 0.85, 1.2);
        }
    }

    [Theory]
    [InlineData("binomial", 3, null, "nAGQ = 3 needs random effects to integrate over")]
    [InlineData("gaussian", 1, "profile", "profile intervals need random effects here")]
    public void Misuse_IsOneLine(string family, int nagq, string? confint, string message)
    {
        var frame = family == "binomial" ? Frame("cbpp", "cbind(incidence, size - incidence) ~ period", family) : Frame("sleepstudy", "Reaction ~ Days");
        var e = Assert.Throws<UserInputException>(() =>
        {
            var fit = MixedModel.Fit(frame, new FitOptions { Nagq = nagq });
            if (confint is not null) ProfileConfidence.Profile(frame, fit);
        });
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }
}

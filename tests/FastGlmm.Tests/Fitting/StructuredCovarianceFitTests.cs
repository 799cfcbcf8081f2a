using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;

namespace FastGlmm.Tests.Fitting;

/// <summary>
/// Structured random-effect covariances (diag, cs, ar1) against glmmTMB 1.1.5 (tests/data/structured_reference.json, made
/// by tests/data/rgen/structured_reference.R on tests/data/extra/structured_sim.csv): gaussian ML and REML, binomial
/// Laplace, nbinom2 and nbinom1 (glmmTMB's own families, its observed-information Laplace; σ is then the dispersion). logLik at least glmmTMB's − 1e-4 (and not implausibly above), the df glmmTMB counts, β within 2e-3, the SDs
/// within 2e-3 relative, ρ within 2e-3, σ within 1e-3 relative.
/// </summary>
public class StructuredCovarianceFitTests
{
    private static (System.Text.Json.JsonElement Case, FastGlmm.Model.FitResult Fit) FitCase(string name)
    {
        var c = TestData.Json("structured_reference.json").GetProperty("cases").EnumerateArray()
            .Single(x => x.GetProperty("name").GetString() == name);
        var data = TestData.Dataset("structured_sim.csv", "extra");
        var frame = ModelFrame.Build(data, c.GetProperty("formula").GetString()!,
            new ModelFrameOptions { Family = FamilySpec.Parse(c.GetProperty("family").GetString()!) });
        return (c, MixedModel.Fit(frame, new FitOptions { Reml = c.GetProperty("reml").GetBoolean() }));
    }

    [Theory]
    [InlineData("diag_ml")]
    [InlineData("cs_ml")]
    [InlineData("ar1_ml")]
    [InlineData("cs_reml")]
    [InlineData("ar1_reml")]
    [InlineData("cs_slope_ml")]
    [InlineData("diag_binomial")]
    [InlineData("cs_binomial")]
    [InlineData("ar1_binomial")]
    [InlineData("ar1_nbinom2")]
    [InlineData("cs_nbinom1")]
    public void Fit_MatchesGlmmTmb(string name)
    {
        var (c, fit) = FitCase(name);
        double ll = c.GetProperty("logLik").GetDouble();
        Assert.True(fit.LogLik >= ll - 1e-4, $"{name}: logLik {fit.LogLik:R} < glmmTMB's {ll:R}");
        Assert.True(fit.LogLik <= ll + 1e-2, $"{name}: logLik {fit.LogLik:R} is implausibly above glmmTMB's {ll:R}");
        Assert.True(fit.Convergence.Converged, string.Join("; ", fit.Convergence.Messages));
        Assert.Equal(c.GetProperty("df").GetInt32(), fit.Df);
        var beta = c.GetProperty("beta").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (int j = 0; j < beta.Length; j++) Assert.Equal(beta[j], fit.Beta[j], 2e-3 * Math.Max(1, Math.Abs(beta[j])));
        var term = c.GetProperty("terms")[0];
        var report = Assert.Single(fit.CovarianceStructures!);
        var sd = term.GetProperty("sd").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(sd.Length, report.Sd.Length);
        for (int i = 0; i < sd.Length; i++) Assert.Equal(sd[i], report.Sd[i], 2e-3 * Math.Max(sd[i], 0.05));
        // VarCorr's SDs (from θ) are the same numbers.
        for (int i = 0; i < sd.Length; i++) Assert.Equal(report.Sd[i], fit.VarCorr[i].SdOrCorrelation, 1e-10 * Math.Max(1, sd[i]));
        if (term.TryGetProperty("rho", out var rho) && rho.ValueKind == System.Text.Json.JsonValueKind.Number)
            Assert.Equal(rho.GetDouble(), report.Rho!.Value, 2e-3);
        else Assert.Null(report.Rho);
        if (c.TryGetProperty("sigma", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.Number)
            Assert.Equal(s.GetDouble(), fit.Sigma ?? fit.Dispersion!.Value, 1e-3 * s.GetDouble());
    }

    [Fact]
    public void Diag_IsTheDoubleBarModel()
    {
        // diag(1 + x | id) and lme4's (1 + x || id) are one model (numeric x); lme4's own fit of the latter is pinned too.
        var data = TestData.Dataset("structured_sim.csv", "extra");
        var reference = TestData.Json("structured_reference.json").GetProperty("lme4_check").GetProperty("lme4_diag_ml_logLik").GetDouble();
        var diag = MixedModel.Fit(ModelFrame.Build(data, "y ~ x + diag(1 + x | id)"), new FitOptions { Reml = false });
        var bars = MixedModel.Fit(ModelFrame.Build(data, "y ~ x + (1 + x || id)"), new FitOptions { Reml = false });
        Assert.Equal(bars.LogLik, diag.LogLik, 1e-7);
        Assert.Equal(reference, diag.LogLik, 1e-5);
        Assert.Equal(bars.Df, diag.Df);
    }

    [Fact]
    public void CsWithTwoColumns_IsTheUnstructuredModel()
    {
        // With q = 2 compound symmetry restricts nothing: cs(1 + x | id) is (1 + x | id), with the same df.
        var data = TestData.Dataset("structured_sim.csv", "extra");
        var cs = MixedModel.Fit(ModelFrame.Build(data, "y ~ x + cs(1 + x | id)"), new FitOptions { Reml = false });
        var us = MixedModel.Fit(ModelFrame.Build(data, "y ~ x + (1 + x | id)"), new FitOptions { Reml = false });
        Assert.Equal(us.LogLik, cs.LogLik, 1e-7);
        Assert.Equal(us.Df, cs.Df);
        for (int i = 0; i < 3; i++) Assert.Equal(us.VarCorr[i].SdOrCorrelation, cs.VarCorr[i].SdOrCorrelation, 1e-4);
    }

    [Theory]
    [InlineData("y ~ x + ar1(time | id)", "ar1() needs a factor of time points and no intercept")]
    [InlineData("y ~ x + ar1(0 + x | id)", "ar1() needs a factor of time points and no intercept")]
    [InlineData("y ~ x + cs(1 | id)", "cs() needs a term with at least two columns")]
    [InlineData("y ~ x + cs(1 + x || id)", "'||' already means uncorrelated")]
    [InlineData("y ~ x + cs(x)", "cs() takes one random-effects term")]
    [InlineData("y ~ x + log(cs(1 + x | id))", "cs() cannot be used inside an expression")]
    public void Misuse_IsAOneLineError(string formula, string message)
    {
        var data = TestData.Dataset("structured_sim.csv", "extra");
        var e = Assert.ThrowsAny<UserInputException>(() => MixedModel.Fit(ModelFrame.Build(data, formula)));
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message.TrimEnd());
    }

    [Fact]
    public void DenominatorDf_IsRefusedByName()
    {
        var data = TestData.Dataset("structured_sim.csv", "extra");
        var frame = ModelFrame.Build(data, "y ~ x + cs(0 + time | id)");
        var fit = MixedModel.Fit(frame);
        var e = Assert.Throws<UserInputException>(() => FastGlmm.Inference.Satterthwaite.Create(frame, fit));
        Assert.Contains("cs(0 + time | id)", e.Message);
    }
    [Fact]
    public void Bootstrap_RefitsKeepTheStructure()
    {
        // A GLMM's replicates are refitted under ar1 (not the lockstep batches' unstructured θ): each replicate's Σ has one
        // variance and Corr(t1, t3) = Corr(t1, t2)².
        var data = TestData.Dataset("structured_sim.csv", "extra");
        var frame = ModelFrame.Build(data, "cbind(k, 6 - k) ~ x + ar1(0 + time | id)",
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        var fit = MixedModel.Fit(frame);
        var reps = FastGlmm.Inference.ParametricBootstrap.Run(frame, fit, 0, 4, 7);
        var layout = new FastGlmm.Model.ThetaLayout(frame.RandomTerms);
        foreach (var r in reps)
        {
            Assert.Null(r.Failure);
            var (sd, cor) = layout.SdCorrelation(r.Theta, 0);
            Assert.Equal(sd[0], sd[3], 1e-10);
            Assert.Equal(cor[0 * 4 + 1] * cor[0 * 4 + 1], cor[0 * 4 + 2], 1e-10);
            Assert.True(r.LogLik < 0 && double.IsFinite(r.LogLik));
        }
        Assert.NotEqual(reps[0].Theta[0], reps[1].Theta[0]);
    }
}

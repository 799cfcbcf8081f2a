using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Model;
using FastGlmm.MonteCarlo;

namespace FastGlmm.Tests.MonteCarlo;

/// <summary>
/// Monte Carlo maximum-likelihood fits: bacteria against the quadrature-exact AGQ(25) fit, salamander against the
/// glmm package's published m = 10⁶ estimates and MCSEs (tests/data/reference/salamander_mcml_published.json),
/// and the bad-input errors.
/// </summary>
public class McmlFitTests
{
    private static ModelFrame Frame(string dataset, string formula, string family) =>
        ModelFrame.Build(BuiltInDatasets.Load(dataset), formula, new ModelFrameOptions { Family = FamilySpec.Parse(family) });

    private static MonteCarloParameter Param(FitResult fit, string name, string kind) =>
        fit.MonteCarlo!.Parameters.Single(p => p.Name == name && p.Kind == kind);

    [Fact]
    public void Bacteria_AgreesWithAgq25WithinThreeMcse()
    {
        var frame = Frame("bacteria", "y ~ trt + I(week > 2) + (1 | ID)", "binomial");
        var agq = MixedModel.Fit(frame, new FitOptions { Nagq = 25 });
        var mc = MixedModel.Fit(frame, new FitOptions { Mcml = new McmlOptions { DrawsPerBlock = 10_000 } });
        Assert.True(mc.Convergence.Converged, string.Join("; ", mc.Convergence.Messages));
        Assert.Equal(50, mc.MonteCarlo!.Blocks);
        for (int j = 0; j < agq.Beta.Length; j++)
        {
            var p = Param(mc, agq.BetaNames[j], "fixed");
            Assert.InRange(p.MonteCarloSe, 1e-4, 0.1 * p.StandardError);
            Assert.InRange(mc.Beta[j] - agq.Beta[j], -3 * p.MonteCarloSe - 1e-3, 3 * p.MonteCarloSe + 1e-3);
            // The MCLA Hessian's SE is the AGQ fit's Hessian SE up to Monte Carlo error.
            Assert.Equal(agq.BetaSe[j], p.StandardError, 0.03 * agq.BetaSe[j]);
        }
        var sd = Param(mc, "ID.(Intercept)", "sd");
        Assert.InRange(sd.Estimate - agq.Theta[0], -3 * sd.MonteCarloSe - 1e-3, 3 * sd.MonteCarloSe + 1e-3);
        Assert.InRange(mc.LogLik - agq.LogLik, -3 * mc.MonteCarlo.LogLikMcse - 1e-3, 3 * mc.MonteCarlo.LogLikMcse + 1e-3);
        Assert.Equal(mc.BetaSe, mc.BetaSeHessian);
        Assert.Equal("mcla-hessian", mc.BetaSeMethod);
    }

    private static (Dictionary<string, double> Est, Dictionary<string, double> Mcse) Published()
    {
        var r = TestData.Json("reference", "salamander_mcml_published.json");
        var est = r.GetProperty("fixef").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        foreach (var p in r.GetProperty("variance_components").EnumerateObject()) est[p.Name == "F" ? "Female.(Intercept)" : "Male.(Intercept)"] = p.Value.GetDouble();
        var mcse = r.GetProperty("mcse").EnumerateObject().ToDictionary(
            p => p.Name switch { "F" => "Female.(Intercept)", "M" => "Male.(Intercept)", _ => p.Name }, p => p.Value.GetDouble());
        return (est, mcse);
    }

    private static FitResult Salamander(int m) => MixedModel.Fit(
        Frame("salamander", "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)", "binomial"),
        new FitOptions { Mcml = new McmlOptions { DrawsPerBlock = m } });

    [Fact]
    public void Salamander_AgreesWithPublishedGlmmEstimates()
    {
        var fit = Salamander(10_000);
        Assert.True(fit.Convergence.Converged, string.Join("; ", fit.Convergence.Messages));
        Assert.Equal(6, fit.MonteCarlo!.Blocks);
        var (est, pubMcse) = Published();
        foreach (var (name, value) in est)
        {
            var p = fit.MonteCarlo.Parameters.Single(q => q.Name == name && q.Kind is "fixed" or "variance");
            double tol = 2 * pubMcse[name] + 2 * p.MonteCarloSe;
            Assert.InRange(p.Estimate - value, -tol, tol);
        }
        // Laplace is biased low for these variances; MCML is not.
        Assert.True(Param(fit, "Female.(Intercept)", "variance").Estimate > 1.25);
        Assert.True(fit.LogLik > fit.MonteCarlo.LaplaceLogLik);
    }

    [Fact]
    public void Salamander_McseAt1e5PerBlockIsBelowGlmmsAt1e6()
    {
        var fit = Salamander(100_000);
        var (_, pubMcse) = Published();
        foreach (var (name, mcse) in pubMcse)
        {
            var p = fit.MonteCarlo!.Parameters.Single(q => q.Name == name && q.Kind is "fixed" or "variance");
            Assert.InRange(p.MonteCarloSe, 1e-5, mcse);
        }
    }

    [Fact]
    public void UnsupportedFamiliesAndOptions_GiveClearErrors()
    {
        var mc = new FitOptions { Mcml = new McmlOptions() };
        var e1 = Assert.Throws<UserInputException>(() => MixedModel.Fit(Frame("sleepstudy", "Reaction ~ Days + (1 | Subject)", "gaussian"), mc));
        Assert.Contains("linear mixed model", e1.Message);
        var e2 = Assert.Throws<UserInputException>(() => MixedModel.Fit(Frame("cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial(probit)"), mc));
        Assert.Contains("binomial(probit)", e2.Message);
        var e3 = Assert.Throws<UserInputException>(() => MixedModel.Fit(Frame("cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial"),
            mc with { Nagq = 5 }));
        Assert.Contains("nAGQ", e3.Message);
        var e4 = Assert.Throws<UserInputException>(() => MixedModel.Fit(Frame("cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial"),
            new FitOptions { Mcml = new McmlOptions { DrawsPerBlock = 10 } }));
        Assert.Contains("--m 10", e4.Message);
        var e5 = Assert.Throws<UserInputException>(() => MixedModel.Fit(Frame("cbpp", "cbind(incidence, size - incidence) ~ period", "binomial"), mc));
        Assert.StartsWith("Monte Carlo likelihood needs random effects", e5.Message, StringComparison.Ordinal);
    }
}

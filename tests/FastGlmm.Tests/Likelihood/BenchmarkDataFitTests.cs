using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Simulation;

namespace FastGlmm.Tests.Likelihood;

/// <summary>
/// The engine benchmark's 200,000-row synthetic fits reach an optimum at least as good as lme4's
/// (tests/data/benchmark_reference.json, made by tests/data/rgen/benchmark_reference.R).
/// </summary>
public class BenchmarkDataFitTests
{
    [Theory]
    [InlineData("intercept")]
    [InlineData("intercept-agq10")]
    [InlineData("slope")]
    public void LogLik_AtLeastLme4s(string id)
    {
        var c = TestData.Json("benchmark_reference.json").GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("id").GetString() == id);
        double sdSlope = c.GetProperty("sdSlope").GetDouble();
        var data = sdSlope == 0
            ? SyntheticData.Generate(200_000, 2_000, SyntheticResponse.Binary, seed: 20261121)
            : SyntheticData.Generate(200_000, 2_000, SyntheticResponse.Binary, seed: 20261121, sdSlope: sdSlope);
        var frame = ModelFrame.Build(data, c.GetProperty("formula").GetString()!, new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        var fit = MixedModel.Fit(frame, new FitOptions { Nagq = c.GetProperty("nAGQ").GetInt32() });
        double lme4 = c.GetProperty("logLik").GetDouble();
        Assert.True(fit.Convergence.Converged, string.Join("; ", fit.Convergence.Messages));
        // At least as high as lme4's, and not implausibly higher (lme4 is within a few 1e-2 of the optimum here).
        Assert.InRange(fit.LogLik, lme4 - 1e-6, lme4 + 0.05);
    }
}

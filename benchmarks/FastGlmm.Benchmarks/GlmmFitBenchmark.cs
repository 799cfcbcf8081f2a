using BenchmarkDotNet.Attributes;
using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Simulation;

namespace FastGlmm.Benchmarks;

/// <summary>
/// The engine issue's speed targets: a seeded 200,000-row binary response in 2,000 clusters with
/// x ~ N(0, 1), fitted end to end (model frame + fit) on the CPU backend. lme4 on a 2-core machine:
/// y ~ x + (1 | g) Laplace 20.7 s, nAGQ = 10 39.6 s, y ~ x + (1 + x | g) Laplace 114.9 s.
/// </summary>
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class GlmmFitBenchmark
{
    private DataTable _intercept = null!, _slope = null!;

    /// <summary>The model: "intercept" (Laplace), "intercept-agq10" or "slope" (Laplace).</summary>
    [Params("intercept", "intercept-agq10", "slope")]
    public string Model { get; set; } = "intercept";

    /// <summary>Generates both data sets (random intercept SD 1; the slope data add a slope SD 0.5).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _intercept = SyntheticData.Generate(200_000, 2_000, SyntheticResponse.Binary, seed: 20261121);
        _slope = SyntheticData.Generate(200_000, 2_000, SyntheticResponse.Binary, seed: 20261121, sdSlope: 0.5);
    }

    /// <summary>Builds the frame and fits the model.</summary>
    [Benchmark]
    public double Fit()
    {
        var (data, formula, nagq) = Model switch
        {
            "intercept" => (_intercept, "y ~ x + (1 | g)", 1),
            "intercept-agq10" => (_intercept, "y ~ x + (1 | g)", 10),
            _ => (_slope, "y ~ x + (1 + x | g)", 1),
        };
        var frame = ModelFrame.Build(data, formula, new ModelFrameOptions { Family = new FamilySpec(FamilyId.Binomial, LinkId.Logit) });
        return MixedModel.Fit(frame, new FitOptions { Nagq = nagq }).LogLik;
    }
}

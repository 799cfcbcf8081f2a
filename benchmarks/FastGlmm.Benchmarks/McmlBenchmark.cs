using BenchmarkDotNet.Attributes;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.MonteCarlo;

namespace FastGlmm.Benchmarks;

/// <summary>
/// A whole Monte Carlo maximum-likelihood fit of salamander (<c>Mate ~ 0 + Cross + (1 | Female) + (1 | Male)</c>,
/// 6 independent blocks of 20 levels) on the CPU backend: the Laplace start, the importance sample(s), the
/// Newton iterations and the summary, at m draws per block. The baseline in the same run is the Laplace fit
/// alone. The glmm package needs 331 s at m = 10⁴ (whole-vector sampling) on a 2-core machine (issue 6).
/// </summary>
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class McmlBenchmark
{
    private ModelFrame _frame = null!;

    /// <summary>Draws per block.</summary>
    [Params(10_000, 100_000)]
    public int M { get; set; }

    /// <summary>Builds the frame.</summary>
    [GlobalSetup]
    public void Setup() => _frame = ModelFrame.Build(BuiltInDatasets.Load("salamander"), "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)",
        new ModelFrameOptions { Family = new FamilySpec(FamilyId.Binomial, LinkId.Logit) });

    /// <summary>The Laplace fit alone (the start of MCML).</summary>
    [Benchmark(Baseline = true)]
    public double Laplace() => MixedModel.Fit(_frame).LogLik;

    /// <summary>The MCML fit, seed 1234.</summary>
    [Benchmark]
    public double Mcml() => MixedModel.Fit(_frame, new FitOptions { Mcml = new McmlOptions { DrawsPerBlock = M } }).LogLik;
}

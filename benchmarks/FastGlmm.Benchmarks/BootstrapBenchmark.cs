using BenchmarkDotNet.Attributes;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;
using FastGlmm.Model;
using FastGlmm.Simulation;

namespace FastGlmm.Benchmarks;

/// <summary>
/// Parametric-bootstrap throughput on the CPU backend (all replicates of one run; divide by B for the
/// per-replicate cost). lme4's bootMer on a 2-core machine: about 111 ms per cbpp replicate (issue 5),
/// 90 ms in our own R run (tests/data/bootstrap_reference.json), 0.66–0.70 s per Contraception
/// (1,934 rows, 60 districts, urban | district) replicate.
/// </summary>
/// <remarks>
/// Five warm-up runs: a run calls each refit method thousands of times, and a single warm-up left part of them on
/// pre-tier-1 code (on 2026-11-21, cbpp's median was 210–227 ms after one warm-up against 158–159 ms after five).
/// </remarks>
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 25)]
public class BootstrapBenchmark
{
    private ModelFrame _frame = null!;
    private FitResult _fit = null!;

    /// <summary>"cbpp" (B = 1000) or "slope1934" (a simulated 1,934-row, 60-cluster binary (1 + x | g) model, B = 100).</summary>
    [Params("cbpp", "slope1934")]
    public string Design { get; set; } = "cbpp";

    /// <summary>Replicates per run.</summary>
    public int Replicates => Design == "cbpp" ? 1000 : 100;

    /// <summary>Fits the original model once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var binomial = new ModelFrameOptions { Family = new FamilySpec(FamilyId.Binomial, LinkId.Logit) };
        _frame = Design == "cbpp"
            ? ModelFrame.Build(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)", binomial)
            : ModelFrame.Build(SyntheticData.Generate(1934, 60, SyntheticResponse.Binary, seed: 20261121, sdSlope: 0.5),
                "y ~ x + (1 + x | g)", binomial);
        _fit = MixedModel.Fit(_frame);
    }

    /// <summary>Runs all replicates (seed 1).</summary>
    [Benchmark]
    public int Bootstrap() => ParametricBootstrap.Run(_frame, _fit, 0, Replicates, seed: 1).Count(r => r.Failure is null);
}

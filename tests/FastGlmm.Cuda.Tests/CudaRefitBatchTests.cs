using FastGlmm.Backends;
using FastGlmm.Backends.Cpu;
using FastGlmm.Backends.Cuda;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;
using FastGlmm.Likelihood;
using FastGlmm.Model;
using FastGlmm.Simulation;

namespace FastGlmm.Cuda.Tests;

/// <summary>
/// The CUDA lockstep refit batch against the CPU's (the oracle): the same calls (all replicates, a subset, after
/// releases, Laplace and AGQ mixed in one call) give values equal to 1e-10 relative; whole lockstep refits give the
/// same estimates to 1e-6; a failing replicate fails alone, with the CPU's reason. Skipped without a GPU or the emulator.
/// </summary>
public class CudaRefitBatchTests(ITestOutputHelper output)
{
    private const string CbppFormula = "cbind(incidence, size - incidence) ~ period + (1 | herd)";

    public static TheoryData<string, string, string, int> Models() => new()
    {
        { "cbpp", CbppFormula, "binomial", 1 },
        { "cbpp", CbppFormula, "binomial", 5 },
        { "slope", "y ~ x + (1 + x | g)", "binomial", 1 },
        { "epil", "y ~ lbase * trt + lage + V4 + (1 | subject)", "poisson", 1 },
        { "epil", "y ~ lbase * trt + lage + V4 + (1 | subject)", "poisson", 5 },
        { "sleepstudy", "Reaction ~ Days + (Days | Subject)", "Gamma(link = \"log\")", 1 },
    };

    private static CudaDevice Device() => EmulatedDevice.Require();

    /// <summary>A built-in data set, or "slope": a small simulated binary (1 + x | g) design (240 rows, 16 clusters).</summary>
    private static ModelFrame Frame(string data, string formula, string family) =>
        ModelFrame.Build(data == "slope" ? SyntheticData.Generate(240, 16, SyntheticResponse.Binary, seed: 20261121, sdSlope: 0.5) : BuiltInDatasets.Load(data),
            formula, new ModelFrameOptions { Family = FamilySpec.Parse(family) });

    private static double Relative(double expected, double actual) => Math.Abs(expected - actual) / Math.Max(1, Math.Abs(expected));

    /// <summary>R responses simulated at θ = 0.8 θ₀ and the GLM's β (Gamma: dispersion 0.01).</summary>
    private static double[][] Responses(GlmmProblem prob, int count, out double[] theta, out double[] beta)
    {
        theta = prob.Layout.Initial.ToArray().Select(t => 0.8 * t).ToArray();
        beta = GlmIrls.Fit(prob.Frame);
        double scale = prob.Family.Family == FamilyId.Gamma ? 0.01 : 1.0;
        var (t, b) = (theta, beta);
        return Enumerable.Range(0, count).Select(r => ResponseSimulator.Simulate(prob, t, b, scale, 11, r)).ToArray();
    }

    /// <summary>Replicate r's point in a round: θ and β moved by a few percent, differently per replicate and round.</summary>
    private static double[] Point(double[] theta, double[] beta, double[] lower, int r, int round)
    {
        var v = new double[theta.Length + beta.Length];
        for (int j = 0; j < theta.Length; j++)
        {
            double step = ((r + 2 * round + j) % 5 - 2) * 0.07;
            v[j] = theta[j] * (1 + step) + (lower[j] < 0 ? 0.3 * step : 0);
        }
        for (int j = 0; j < beta.Length; j++) v[theta.Length + j] = beta[j] + 0.05 * ((r + round + j) % 3 - 1);
        return v;
    }

    [CudaTheory]
    [MemberData(nameof(Models))]
    public void Evaluate_MatchesCpu_InEveryRound(string data, string formula, string family, int nagq)
    {
        var frame = Frame(data, formula, family);
        var prob = new GlmmProblem(frame);
        var ys = Responses(prob, 6, out var theta, out var beta);
        var lower = prob.Layout.Lower.ToArray();
        using var cpu = new CpuRefitBatch(frame, ys, nagq, Pirls.CoarseDecreaseTolerance);
        using var gpu = new CudaRefitBatch(prob, ys, nagq, Pirls.CoarseDecreaseTolerance, Device());
        Assert.Equal("cuda", gpu.Name);
        Assert.Equal(6, gpu.Count);
        double worst = 0;
        int round = 0;
        void Round(params int[] reps)
        {
            var points = reps.Select(r => Point(theta, beta, lower, r, round)).ToArray();
            var on = reps.Select(r => nagq > 1 && (r + round) % 2 == 0 ? StageObjective.Agq : StageObjective.Laplace).ToArray();
            var (vc, vg) = (new double[reps.Length], new double[reps.Length]);
            var (fc, fg) = (new string?[reps.Length], new string?[reps.Length]);
            cpu.Evaluate(reps, points, on, vc, fc);
            gpu.Evaluate(reps, points, on, vg, fg);
            for (int i = 0; i < reps.Length; i++)
            {
                Assert.Null(fc[i]);
                Assert.Null(fg[i]);
                Assert.True(double.IsFinite(vc[i]), $"round {round}, replicate {reps[i]}: cpu {vc[i]}");
                worst = Math.Max(worst, Relative(vc[i], vg[i]));
                Assert.True(Relative(vc[i], vg[i]) <= 1e-10, $"round {round}, replicate {reps[i]} ({on[i]}): cpu {vc[i]:R}, cuda {vg[i]:R}");
            }
            round++;
        }
        Round(0, 1, 2, 3, 4, 5);
        Round(1, 3, 4);
        foreach (var batch in new IRefitBatch[] { cpu, gpu }) { batch.Release(0); batch.Release(3); }
        Round(5, 0, 3, 2);
        Round(0, 1, 2, 3, 4, 5);
        output.WriteLine($"{data} {family} nAGQ={nagq}: max relative difference {worst:E2} over {round} rounds");
    }

    /// <summary>
    /// Whole refits, tight (optimizer radius 1e-6 standard errors, PIRLS to 1e-24): every replicate converges to its own
    /// optimum, so CPU and CUDA agree to 1e-6 on θ, β and the deviance. At the bootstrap's settings (radius 2e-2, coarse
    /// PIRLS) the optimizer stops wherever its loose radius lets it: ulp-level differences between the backends'
    /// values (measured ≤ 1e-14 relative at identical points) grow about tenfold per evaluation along the optimizer's
    /// path, so θ and β then agree only to a fraction of the radius (cbpp: 3e-4) and the deviance to about 1e-8
    /// (the bounds below leave a margin).
    /// </summary>
    [CudaTheory]
    [InlineData("cbpp", CbppFormula, 1, false)]
    [InlineData("cbpp", CbppFormula, 5, false)]
    [InlineData("slope", "y ~ x + (1 + x | g)", 1, false)]
    [InlineData("cbpp", CbppFormula, 1, true)]
    [InlineData("cbpp", CbppFormula, 5, true)]
    public void LockstepRun_MatchesCpu(string data, string formula, int nagq, bool bootstrapSettings)
    {
        var frame = Frame(data, formula, "binomial");
        var fit = MixedModel.Fit(frame, new FitOptions { Nagq = nagq });
        var prob = new GlmmProblem(frame);
        var warm = bootstrapSettings
            ? WarmStart.From(fit, ParametricBootstrap.RefitTolerance) with { PirlsTolerance = Pirls.CoarseDecreaseTolerance }
            : WarmStart.From(fit, 1e-6);
        var ys = Enumerable.Range(0, 8).Select(r => ResponseSimulator.Simulate(prob, fit.Theta, fit.Beta, 1.0, 7, r)).ToArray();
        var lower = prob.Layout.Lower.ToArray();
        using var cpu = new CpuRefitBatch(frame, ys, nagq, warm.PirlsTolerance);
        using var gpu = new CudaRefitBatch(prob, ys, nagq, warm.PirlsTolerance, Device());
        var oc = LockstepRefits.Run(cpu, warm, lower, nagq, GlmmFitter.DefaultMaxEvaluations, out _);
        var og = LockstepRefits.Run(gpu, warm, lower, nagq, GlmmFitter.DefaultMaxEvaluations, out int rounds);
        double worst = 0, worstDeviance = 0;
        for (int r = 0; r < ys.Length; r++)
        {
            Assert.Null(oc[r].Failure);
            Assert.Null(og[r].Failure);
            worstDeviance = Math.Max(worstDeviance, Relative(oc[r].Deviance, og[r].Deviance));
            foreach (var (c, g) in oc[r].Theta.Zip(og[r].Theta).Concat(oc[r].Beta.Zip(og[r].Beta)))
                worst = Math.Max(worst, Relative(c, g));
        }
        output.WriteLine($"{data} nAGQ={nagq} {(bootstrapSettings ? "bootstrap settings" : "tight")}: {rounds} rounds; max relative difference θ, β {worst:E2}, deviance {worstDeviance:E2}");
        Assert.True(worstDeviance <= (bootstrapSettings ? 1e-5 : 1e-6), $"deviance differs by {worstDeviance:E2}");
        Assert.True(worst <= (bootstrapSettings ? 1e-2 : 1e-6), $"θ or β differs by {worst:E2}");
    }

    [CudaFact]
    public void FailingReplicate_FailsAlone_WithTheCpuReason()
    {
        var frame = Frame("cbpp", CbppFormula, "binomial");
        var fit = MixedModel.Fit(frame);
        var prob = new GlmmProblem(frame);
        var ys = Enumerable.Range(0, 4).Select(r => ResponseSimulator.Simulate(prob, fit.Theta, fit.Beta, 1.0, 3, r)).ToArray();
        int row = prob.RowOffsets[4] + 1;
        ys[2][row] = double.NaN; // block 5's penalized deviance is not finite: PIRLS fails, cold restart too
        var warm = WarmStart.From(fit, 1e-6);
        var lower = prob.Layout.Lower.ToArray();
        using var cpu = new CpuRefitBatch(frame, ys, 1, warm.PirlsTolerance);
        using var gpu = new CudaRefitBatch(prob, ys, 1, warm.PirlsTolerance, Device());
        int[] reps = [0, 1, 2, 3];
        var points = reps.Select(_ => (double[])[.. fit.Theta, .. fit.Beta]).ToArray();
        var on = reps.Select(_ => StageObjective.Laplace).ToArray();
        var (vc, vg) = (new double[4], new double[4]);
        var (fc, fg) = (new string?[4], new string?[4]);
        cpu.Evaluate(reps, points, on, vc, fc);
        gpu.Evaluate(reps, points, on, vg, fg);
        Assert.Equal("PIRLS failed in block 5: the penalized deviance is not finite at the start", fc[2]);
        Assert.Equal(fc, fg);
        Assert.True(double.IsNaN(vg[2]));
        foreach (int r in new[] { 0, 1, 3 }) Assert.True(Relative(vc[r], vg[r]) <= 1e-10, $"replicate {r}: cpu {vc[r]:R}, cuda {vg[r]:R}");
        var oc = LockstepRefits.Run(cpu, warm, lower, 1, GlmmFitter.DefaultMaxEvaluations, out _);
        var og = LockstepRefits.Run(gpu, warm, lower, 1, GlmmFitter.DefaultMaxEvaluations, out _);
        Assert.Equal(fc[2], og[2].Failure);
        Assert.Equal(oc[2].Failure, og[2].Failure);
        foreach (int r in new[] { 0, 1, 3 })
        {
            Assert.Null(og[r].Failure);
            Assert.True(Relative(oc[r].Deviance, og[r].Deviance) <= 1e-6, $"replicate {r}: cpu {oc[r].Deviance:R}, cuda {og[r].Deviance:R}");
        }
    }

    [CudaFact]
    public void Factory_RefitsOnTheGpu_OrFallsBackToTheCpuWithOneNote()
    {
        var device = Device();
        var notes = new List<string>();
        var factory = BackendSelection.ResolveAll(BackendChoice.Cuda, true, notes.Add, () => (device, "")).Refit;
        var cbpp = Frame("cbpp", CbppFormula, "binomial");
        using (var batch = factory(cbpp, [cbpp.Response.Y.ToArray()], 1, Pirls.CoarseDecreaseTolerance))
            Assert.IsType<CudaRefitBatch>(batch);
        Assert.Empty(notes);
        var crossed = Frame("salamander", "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)", "binomial");
        for (int k = 0; k < 2; k++)
            using (var batch = factory(crossed, [crossed.Response.Y.ToArray()], 1, Pirls.CoarseDecreaseTolerance))
                Assert.IsType<CpuRefitBatch>(batch);
        var note = Assert.Single(notes);
        Assert.StartsWith("note: the bootstrap refits run on the CPU backend: the largest independent block has", note);
        Assert.Equal<RefitBatchFactory>(CpuRefitBatch.Create, BackendSelection.ResolveAll(BackendChoice.Cpu, true, notes.Add).Refit);
    }
}

using FastGlmm.Backends.Cpu;
using FastGlmm.Backends.Cuda;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Likelihood;
using FastGlmm.Model;
using FastGlmm.MonteCarlo;

namespace FastGlmm.Cuda.Tests;

/// <summary>
/// The CUDA importance-weight backend against the CPU one (the oracle): every block's MCLA, gradient,
/// Hessian, Monte Carlo covariance and Σv² on the same common-random-number sample, at a point away from the
/// centre of the importance densities, and a whole Monte Carlo ML fit. Skipped without a GPU or the emulator.
/// </summary>
public class CudaImportanceTests
{
    public static TheoryData<string, string, string, int> Models() => new()
    {
        { "salamander", "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)", "binomial", 1500 },
        { "bacteria", "y ~ trt + I(week > 2) + (1 | ID)", "binomial", 1100 },
        { "bacteria", "y ~ trt + week + (week | ID)", "binomial", 700 },
        { "epil", "y ~ lbase * trt + lage + V4 + (1 | subject)", "poisson", 300 },
        { "cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial", 2048 },
    };

    private static CudaDevice Device() => EmulatedDevice.Require();

    private static GlmmProblem Problem(string data, string formula, string family) =>
        new(ModelFrame.Build(BuiltInDatasets.Load(data), formula, new ModelFrameOptions { Family = FamilySpec.Parse(family) }));

    private static void Close(double expected, double actual, double tol, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: cpu {expected:R}, cuda {actual:R}");

    [CudaTheory]
    [MemberData(nameof(Models))]
    public void BlockEstimates_MatchCpu(string data, string formula, string family, int m)
    {
        var prob = Problem(data, formula, family);
        var design = new ImportanceDesign(prob);
        var fit = GlmmFitter.Fit(prob.Frame, null, 1);
        var (proposals, _) = ProposalBuilder.Build(design, fit.Theta, fit.Beta, MixtureWeights.Default);
        var sample = new ImportanceSample(design, proposals, m, 7, 0);
        using var cpu = CpuImportanceBackend.Create(sample);
        using var gpu = new CudaImportanceBackend(sample, Device());
        int d = prob.P + prob.Layout.Count;
        // Away from the centre: β shifted, every precision factor scaled by 0.85, at a θ off the boundary (a singular
        // fit, e.g. bacteria's correlation of 1, has a zero diagonal, where the precision factor does not exist).
        var beta = fit.Beta.Select((b, j) => b + 0.05 * (j + 1)).ToArray();
        var lower = prob.Layout.Lower.ToArray();
        var theta = fit.Theta.Select((t, i) => lower[i] == 0 ? Math.Max(t, 0.1) : t).ToArray();
        var precision = PrecisionFactor.FromTheta(prob.Layout, theta).Select(v => 0.85 * v).ToArray();
        var ec = Enumerable.Range(0, prob.BlockCount).Select(_ => new BlockEstimate(d)).ToArray();
        var eg = Enumerable.Range(0, prob.BlockCount).Select(_ => new BlockEstimate(d)).ToArray();
        cpu.Evaluate(beta, precision, ec);
        gpu.Evaluate(beta, precision, eg);
        for (int b = 0; b < prob.BlockCount; b++)
        {
            var (c, g) = (ec[b], eg[b]);
            Assert.True(double.IsFinite(c.LogMeanExp), $"block {b}: cpu MCLA {c.LogMeanExp}");
            Close(c.LogMeanExp, g.LogMeanExp, 1e-10 * Math.Max(1, Math.Abs(c.LogMeanExp)), $"block {b} MCLA");
            Close(c.SumSquaredWeights, g.SumSquaredWeights, 1e-10 * c.SumSquaredWeights, $"block {b} Σv²");
            Assert.Equal(c.Draws, g.Draws);
            double gs = 1e-9 * Math.Max(1, c.Gradient.Max(Math.Abs)), hs = 1e-9 * Math.Max(1, c.Hessian.Max(Math.Abs));
            double vs = 1e-9 * Math.Max(1e-12, c.GradientCovariance.Max(Math.Abs));
            for (int j = 0; j < d; j++) Close(c.Gradient[j], g.Gradient[j], gs, $"block {b} gradient[{j}]");
            for (int j = 0; j < d * d; j++)
            {
                Close(c.Hessian[j], g.Hessian[j], hs, $"block {b} Hessian[{j / d},{j % d}]");
                Close(c.GradientCovariance[j], g.GradientCovariance[j], vs, $"block {b} V[{j / d},{j % d}]");
            }
        }
        // An invalid precision factor (a diagonal ≤ 0) is outside the domain on both backends.
        precision[0] = -1;
        gpu.Evaluate(beta, precision, eg);
        Assert.All(eg, e => Assert.Equal(double.NegativeInfinity, e.LogMeanExp));
    }

    [CudaFact]
    public void McmlFit_MatchesCpu()
    {
        var prob = Problem("salamander", "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)", "binomial");
        var lap = GlmmFitter.Fit(prob.Frame, null, 1);
        var options = new McmlOptions { DrawsPerBlock = 1000, Seed = 5, MaxRecentrings = 1 };
        var device = Device();
        var cpu = McmlFitter.Fit(prob, lap.Theta, lap.Beta, options);
        var gpu = McmlFitter.Fit(prob, lap.Theta, lap.Beta, options, s => new CudaImportanceBackend(s, device));
        Assert.Equal("cuda", gpu.Backend);
        Assert.Equal(cpu.Rounds.Count, gpu.Rounds.Count);
        Close(cpu.Final.LogLik, gpu.Final.LogLik, 1e-9 * Math.Abs(cpu.Final.LogLik), "MCLA at the optimum");
        for (int j = 0; j < cpu.Psi.Length; j++) Close(cpu.Psi[j], gpu.Psi[j], 1e-6 * Math.Max(1, Math.Abs(cpu.Psi[j])), $"ψ[{j}]");
        for (int j = 0; j < cpu.MonteCarloCovariance.Length; j++)
            Close(cpu.MonteCarloCovariance[j], gpu.MonteCarloCovariance[j], 1e-6 * Math.Max(1e-8, Math.Abs(cpu.MonteCarloCovariance[j])), $"MC covariance[{j}]");
    }

    [Fact]
    public void TooManyFixedEffects_SaysWhy()
    {
        var prob = Problem("cbpp", "cbind(incidence, size - incidence) ~ period + herd + (1 | herd)", "binomial");
        Assert.Contains("fixed effects (the GPU importance kernels take up to 16)", CudaImportanceBackend.Unsupported(new ImportanceDesign(prob)));
    }
}

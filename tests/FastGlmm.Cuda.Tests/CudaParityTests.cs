using FastGlmm.Backends;
using FastGlmm.Backends.Cuda;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Cuda.Tests;

/// <summary>
/// The CUDA backend against the CPU backend (the oracle), operation by operation at fixed parameters and
/// on whole fits: 1e-10 relative on objectives, 1e-6 on fitted estimates. Skipped without a GPU.
/// </summary>
public class CudaParityTests
{
    public static TheoryData<string, string, string> Models() => new()
    {
        { "cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial" },
        { "bacteria", "y2 ~ trt + I(week > 2) + (1 | ID)", "binomial" },
        { "bacteria", "y2 ~ trt + I(week > 2) + (1 | ID)", "binomial(link = \"probit\")" },
        { "epil", "y ~ lbase * trt + lage + V4 + (1 | subject)", "poisson" },
        { "sleepstudy", "Reaction ~ Days + (Days | Subject)", "Gamma(link = \"log\")" },
        { "bacteria", "y2 ~ trt + week + (week | ID)", "binomial" },
        { "cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial(cauchit)" },
        { "epil", "y ~ lbase * trt + lage + V4 + (1 | subject)", "poisson(sqrt)" },
        { "sleepstudy", "Reaction ~ Days + (1 | Subject)", "gaussian(log)" },
        { "sleepstudy", "Reaction ~ Days + (1 | Subject)", "Gamma(identity)" },
        { "sleepstudy", "Reaction ~ Days + (1 | Subject)", "inverse.gaussian(log)" },
        { "sleepstudy", "Reaction ~ Days + (1 | Subject)", "Gamma" },
    };

    private static CudaDevice Device() => EmulatedDevice.Require();

    private static ModelFrame Frame(string data, string formula, string family) =>
        ModelFrame.Build(BuiltInDatasets.Load(data), formula, new ModelFrameOptions { Family = FamilySpec.Parse(family) });

    private static void Close(double expected, double actual, double rel, string what) =>
        Assert.True(Math.Abs(expected - actual) <= rel * Math.Max(1, Math.Abs(expected)), $"{what}: cpu {expected:R}, cuda {actual:R}");

    [CudaTheory]
    [MemberData(nameof(Models))]
    public void Operations_MatchCpu(string data, string formula, string family)
    {
        var prob = new GlmmProblem(Frame(data, formula, family));
        using var cpu = GlmmBackends.Cpu(prob);
        using var gpu = new CudaGlmmBackend(prob, Device());
        int nb = prob.BlockCount, nt = prob.Layout.Count;
        var theta = prob.Layout.Initial.ToArray().Select(t => 0.8 * t).ToArray();
        var beta = GlmIrls.Fit(prob.Frame);
        // PIRLS: penalized deviance and log det A at the modes, and the modes.
        var pc = new double[nb]; var pg = new double[nb];
        cpu.SetParameters(theta, beta); cpu.ResetModes(); cpu.RunPirls(pc);
        gpu.SetParameters(theta, beta); gpu.ResetModes(); gpu.RunPirls(pg);
        var lc = new double[nb]; var lg = new double[nb];
        cpu.LogDeterminants(lc); gpu.LogDeterminants(lg);
        for (int b = 0; b < nb; b++) { Close(pc[b], pg[b], 1e-10, $"pdev[{b}]"); Close(lc[b], lg[b], 1e-10, $"logdet[{b}]"); }
        var uc = new double[prob.TotalRandomEffects]; var ug = new double[uc.Length];
        cpu.ReadModes(uc); gpu.ReadModes(ug);
        for (int j = 0; j < uc.Length; j++) Close(uc[j], ug[j], 1e-8, $"u[{j}]");
        // Laplace terms and the log-likelihood terms (dispersion 0.7).
        var t1 = new double[3][]; var t2 = new double[3][];
        for (int i = 0; i < 3; i++) { t1[i] = new double[nb]; t2[i] = new double[nb]; }
        cpu.LaplaceTerms(t1[0], t1[1], t1[2]); gpu.LaplaceTerms(t2[0], t2[1], t2[2]);
        for (int i = 0; i < 3; i++) for (int b = 0; b < nb; b++) Close(t1[i][b], t2[i][b], 1e-10, $"laplace term {i} [{b}]");
        cpu.LogLikelihoodTerms(0.7, t1[0]); gpu.LogLikelihoodTerms(0.7, t2[0]);
        for (int b = 0; b < nb; b++) Close(t1[0][b], t2[0][b], 1e-10, $"loglik[{b}]");
        // Whole objectives: Laplace, and AGQ where it applies.
        Close(new LaplaceDeviance(cpu).Evaluate(theta, beta), new LaplaceDeviance(gpu).Evaluate(theta, beta), 1e-10, "Laplace");
        if (prob.Frame.RandomTerms.Select(t => t.Group).Distinct().Count() == 1 && !prob.Family.UsesLme4Scale)
            Close(new AgqDeviance(cpu, 7).Evaluate(theta, beta), new AgqDeviance(gpu, 7).Evaluate(theta, beta), 1e-10, "AGQ(7)");
        // Joint (u, β) PIRLS: β̃(θ) and its standard errors.
        cpu.ResetModes(); gpu.ResetModes();
        var bc = JointPirls.Run(cpu, theta, beta, out var sc);
        var bg = JointPirls.Run(gpu, theta, beta, out var sg);
        for (int j = 0; j < bc.Length; j++) { Close(bc[j], bg[j], 1e-8, $"joint β[{j}]"); Close(sc[j], sg[j], 1e-8, $"joint se[{j}]"); }
        Assert.True(nt > 0);
    }

    [CudaTheory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(10)]
    public void Fit_MatchesCpu(int nagq)
    {
        var frame = Frame("cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial");
        var cpu = MixedModel.Fit(frame, new FitOptions { Nagq = nagq });
        var device = Device();
        var gpu = MixedModel.Fit(frame, new FitOptions { Nagq = nagq, Backend = p => new CudaGlmmBackend(p, device) });
        Assert.Equal("cuda", gpu.Backend);
        Close(cpu.LogLik, gpu.LogLik, 1e-10, "logLik");
        for (int j = 0; j < cpu.Beta.Length; j++) Close(cpu.Beta[j], gpu.Beta[j], 1e-6, $"β[{j}]");
        for (int j = 0; j < cpu.Theta.Length; j++) Close(cpu.Theta[j], gpu.Theta[j], 1e-6, $"θ[{j}]");
    }

    [CudaFact]
    public void SelfCheck_Passes()
    {
        var device = Device();
        var rows = SelfCheck.Run([("cpu", GlmmBackends.Cpu), ("cuda", p => new CudaGlmmBackend(p, device))]);
        Assert.All(rows, r => Assert.True(r.Pass, $"{r.Dataset} {r.Backend}: objective {r.ObjectiveDifference:E2}, estimates {r.EstimateDifference:E2} {r.Note}"));
    }

    [CudaFact]
    public void UnsupportedModel_SaysWhy()
    {
        var prob = new GlmmProblem(Frame("salamander", "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)", "binomial"));
        var e = Assert.Throws<UserInputException>(() => new CudaGlmmBackend(prob, Device()));
        Assert.Contains("random effects (the GPU kernels take up to 8", e.Message);
    }
}
